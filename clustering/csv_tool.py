"""`kundensprache cluster FILE.csv`: cluster any keyword list or query export an SEO brings.

Reads what spreadsheets and SEO tools write (UTF-8 with or without BOM, UTF-16 as Google Ads
exports, cp1252 from German Excel; comma, semicolon or tab), finds the text column, clusters
the distinct texts once (a volume column such as impressions, when present, weighs labels
toward the phrases people search most), and writes every row back with ``cluster_id`` and
``cluster_label``. The output is written to a temporary file and renamed, so an interrupted
run never leaves half a file.
"""

from __future__ import annotations

import csv
import io
import os
import re
import tempfile
from pathlib import Path

from kundensprache.clustering.embed import EmbeddingCache
from kundensprache.clustering.pipeline import embed_and_cluster
from kundensprache.core.config import Config
from kundensprache.core.errors import InputError

# Header names (lower case) of the text column, most specific first.
TEXT_COLUMNS = (
    "keyword",
    "keywords",
    "top queries",
    "häufigste suchanfragen",
    "query",
    "queries",
    "suchanfrage",
    "suchanfragen",
    "suchbegriff",
    "keyphrase",
    "phrase",
    "search term",
    "suchwort",
    "text",
    "term",
    "begriff",
)
# Header names of a volume column used as weight (search demand or traffic), first match wins.
WEIGHT_COLUMNS = (
    "impressions",
    "impressionen",
    "avg. monthly searches",
    "search volume",
    "suchvolumen",
    "volume",
    "clicks",
    "klicks",
)
OUTPUT_COLUMNS = ("cluster_id", "cluster_label")


class CsvInputError(InputError):
    """A CSV that cannot be clustered; the message names the file and the problem."""


def _decode(path: Path) -> str:
    raw = path.read_bytes()
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        return raw.decode("utf-16")
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            return raw.decode(encoding)
        except UnicodeDecodeError:
            continue
    return raw.decode("latin-1")


def _dialect(text: str) -> str:
    """The delimiter: the one of , ; tab that splits the first lines most consistently."""
    lines = [line for line in text.splitlines()[:50] if line.strip()]
    best, best_score = ",", (-1, 0)
    for delim in (",", ";", "\t"):
        rows = list(csv.reader(lines, delimiter=delim))
        widths = [len(r) for r in rows]
        if not widths:
            continue
        modal = max(set(widths), key=lambda w: (widths.count(w), w))
        score = (widths.count(modal) if modal > 1 else 0, modal)
        if score > best_score:
            best, best_score = delim, score
    return best


def _number(value: str) -> float | None:
    v = value.strip().replace("\u00a0", "").replace(" ", "")
    if not v:
        return None
    if re.fullmatch(r"-?\d{1,3}(\.\d{3})+(,\d+)?", v) or re.fullmatch(r"-?\d+,\d+", v):
        v = v.replace(".", "").replace(",", ".")  # German: 1.234,5
    else:
        v = v.replace(",", "")  # English: 1,234.5
    v = v.rstrip("%")
    try:
        return float(v)
    except ValueError:
        return None


def _text_column(path: Path, header: list[str], rows: list[list[str]], wanted: str | None) -> int:
    names = [h.strip().lower() for h in header]
    if wanted is not None:
        if wanted.strip().lower() in names:
            return names.index(wanted.strip().lower())
        raise CsvInputError(
            f"{path}: no column {wanted!r}; the file has columns: {', '.join(header)}"
        )
    for candidate in TEXT_COLUMNS:
        if candidate in names:
            return names.index(candidate)
    for j in range(len(header)):  # first column that holds text rather than numbers
        values = [r[j] for r in rows[:200] if j < len(r) and r[j].strip()]
        if values and sum(_number(v) is None for v in values) >= 0.8 * len(values):
            return j
    raise CsvInputError(
        f"{path}: found no text column to cluster; the file has columns: {', '.join(header)}. "
        "Name one with --text-column."
    )


def _read(path: Path) -> tuple[str, list[str], list[list[str]]]:
    if not path.is_file():
        raise CsvInputError(f"{path}: file not found")
    try:
        text = _decode(path)
    except OSError as exc:
        raise CsvInputError(f"{path}: cannot read the file: {exc.strerror or exc}") from exc
    if not text.strip():
        raise CsvInputError(f"{path}: the file is empty")
    delim = _dialect(text)
    try:
        rows = list(csv.reader(io.StringIO(text, newline=""), delimiter=delim))
    except csv.Error as exc:
        raise CsvInputError(f"{path}: not a readable CSV: {exc}") from exc
    rows = [r for r in rows if r]  # blank lines go; rows of empty cells stay (written back)
    if not any(c.strip() for r in rows for c in r):
        raise CsvInputError(f"{path}: the file is empty")
    # Skip title lines some exports put above the header (e.g. Google Ads keyword plans):
    # the header is the first row as wide as most rows are.
    widths = [len(r) for r in rows[:50]]
    modal = max(set(widths), key=lambda w: (widths.count(w), w))
    start = next(i for i, r in enumerate(rows) if len(r) >= modal)
    header, body = rows[start], rows[start + 1 :]
    width = max(len(r) for r in rows[start:])
    header = header + [""] * (width - len(header))  # ragged rows: keep every cell
    return delim, header, body


def cluster_csv(
    input_path: Path,
    text_column: str | None,
    output_path: Path | None,
    config: Config,
    cache: EmbeddingCache | None = None,
) -> Path:
    """Cluster the rows of any CSV; returns the output path (default FILE.clustered.csv).

    Every input row comes back in order with ``cluster_id`` and ``cluster_label`` appended
    (empty for rows with an empty text cell). Deterministic: same file, same config, same output.
    """
    input_path = Path(input_path)
    delim, header, rows = _read(input_path)
    if len(header) == 1 and text_column is None and header[0].strip().lower() not in TEXT_COLUMNS:
        # A bare list of keywords, one per line, without a header row: keep every line.
        header, rows = ["keyword"], [header, *rows]
    col = _text_column(input_path, header, rows, text_column)
    names = [h.strip().lower() for h in header]
    clash = [c for c in OUTPUT_COLUMNS if c in names]
    if clash:
        raise CsvInputError(
            f"{input_path}: already has column(s) {', '.join(clash)}; "
            "cluster the original file, not an output"
        )
    cells = [r[col].strip() if col < len(r) else "" for r in rows]
    distinct = list(dict.fromkeys(c for c in cells if c))
    if not distinct:
        raise CsvInputError(f"{input_path}: column {header[col]!r} has no text to cluster")
    weight_col = next((names.index(w) for w in WEIGHT_COLUMNS if w in names), None)
    weight = dict.fromkeys(distinct, 0.0)
    for r, cell in zip(rows, cells, strict=True):
        if not cell:
            continue
        value = _number(r[weight_col]) if weight_col is not None and weight_col < len(r) else None
        weight[cell] += value if value is not None and value > 0 else 1.0
    language = _file_language(distinct)
    clustering, _ = embed_and_cluster(
        distinct,
        [language] * len(distinct),
        config=config,
        cache=cache,
        weights=[weight[t] for t in distinct],
    )
    by_text = dict(zip(distinct, clustering.assignments, strict=True))
    labels = {t.cluster_id: t.label for t in clustering.topics}
    output_path = Path(output_path) if output_path else _default_output(input_path)
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, delimiter=delim, lineterminator="\r\n")
    writer.writerow([*header, *OUTPUT_COLUMNS])
    for r, cell in zip(rows, cells, strict=True):
        padded = r + [""] * (len(header) - len(r))
        cluster_id = by_text[cell] if cell else ""
        writer.writerow([*padded, cluster_id, labels.get(cluster_id, "")])
    _write_atomic(output_path, buffer.getvalue())
    return output_path


def _default_output(input_path: Path) -> Path:
    return input_path.with_name(f"{input_path.stem}.clustered.csv")


def _file_language(texts: list[str]) -> str:
    """One language for the whole file (short keywords are too short to detect one by one)."""
    import py3langid

    sample = "\n".join(texts[:2000])
    code, _ = py3langid.classify(sample)
    return code


def _write_atomic(path: Path, content: str) -> None:
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    except OSError as exc:
        raise CsvInputError(f"{path}: cannot write there: {exc.strerror or exc}") from exc
    try:
        with os.fdopen(fd, "w", encoding="utf-8-sig", newline="") as fh:
            fh.write(content)  # BOM: Excel opens UTF-8 with umlauts correctly
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
