"""Search Console "Queries" exports from the UI (or any API-style CSV).

The UI exports in the user's interface language and number style:

- English: ``Top queries,Clicks,Impressions,CTR,Position`` with ``3.5%`` and ``12.4``
- German: ``Häufigste Suchanfragen,Klicks,Impressionen,CTR,Position`` with ``3,5 %`` and ``12,4``

Users usually download a zip (Queries.csv, Pages.csv, Dates.csv, Filters.csv, ...); a zip is
read as it comes. A plain API-style CSV (``query, page, clicks, impressions, ctr, position``)
works too. Files are matched to a report month by a ``YYYY-MM`` in the file or folder name, or
by the date range in a zip's Dates.csv; undated files count for any month.
"""

from __future__ import annotations

import csv
import io
import re
import zipfile
from dataclasses import dataclass
from pathlib import Path

from kundensprache.core.errors import InputError
from kundensprache.core.models import QueryRow

QUERY_HEADERS = {
    "query",
    "queries",
    "top queries",
    "häufigste suchanfragen",
    "suchanfrage",
    "suchanfragen",
    "top-suchanfragen",
    "keyword",
    "keys",
}
PAGE_HEADERS = {
    "page",
    "pages",
    "top pages",
    "seite",
    "seiten",
    "häufigste seiten",
    "url",
    "landing page",
}
CLICK_HEADERS = {"clicks", "klicks"}
IMPRESSION_HEADERS = {"impressions", "impressionen"}
CTR_HEADERS = {"ctr", "klickrate"}
POSITION_HEADERS = {"position", "avg. position", "average position", "durchschnittliche position"}
QUERY_FILE_NAMES = ("queries.csv", "suchanfragen.csv", "abfragen.csv")
MAX_ZIP_MEMBER_BYTES = 200 * 1024 * 1024
MONTH_IN_NAME = re.compile(r"(20\d\d)[-_.](0[1-9]|1[0-2])(?!\d)")


class ExportError(InputError):
    """An export that cannot be read; the message names the file and the problem."""


@dataclass(frozen=True)
class ExportFile:
    path: Path
    month: str | None  # "YYYY-MM" the file covers, None if it does not say


def find_exports(folder: Path, month: str) -> list[ExportFile]:
    """Export files in ``folder`` for ``month``: dated ones for that month, else undated ones."""
    if not folder.is_dir():
        return []
    files = sorted(
        p
        for p in folder.rglob("*")
        if p.is_file() and not p.name.startswith(".") and p.suffix.lower() in (".csv", ".zip")
    )
    found = [ExportFile(p, _month_of(p)) for p in files]
    dated = [f for f in found if f.month == month]
    if dated:
        return dated
    return [f for f in found if f.month is None]


def _month_of(path: Path) -> str | None:
    for part in reversed(path.parts[-3:]):
        m = MONTH_IN_NAME.search(part)
        if m:
            return f"{m.group(1)}-{m.group(2)}"
    if path.suffix.lower() == ".zip":
        return _zip_month(path)
    return None


def _zip_month(path: Path) -> str | None:
    """The month a UI export zip covers, from its Dates.csv (None if absent or not one month)."""
    try:
        with zipfile.ZipFile(path) as zf:
            name = next(
                (
                    n
                    for n in zf.namelist()
                    if Path(n).name.lower() in ("dates.csv", "datum.csv", "daten.csv")
                ),
                None,
            )
            if name is None:
                return None
            text = decode_export(zf.read(name), f"{path}:{name}")
    except (zipfile.BadZipFile, OSError):
        return None
    months = {
        row[0][:7]
        for row in csv.reader(io.StringIO(text))
        if row and re.match(r"\d{4}-\d\d-\d\d", row[0])
    }
    return months.pop() if len(months) == 1 else None


def read_export(path: Path) -> list[QueryRow]:
    """All query rows of one export file (CSV or the UI's zip)."""
    path = Path(path)
    if path.suffix.lower() == ".zip":
        try:
            with zipfile.ZipFile(path) as zf:
                members = [n for n in zf.namelist() if Path(n).name.lower() in QUERY_FILE_NAMES]
                if not members:
                    raise ExportError(
                        f"{path}: no Queries.csv in this zip (it has: {', '.join(zf.namelist())})"
                    )
                info = zf.getinfo(members[0])
                if info.file_size > MAX_ZIP_MEMBER_BYTES:
                    raise ExportError(f"{path}: {members[0]} is implausibly large")
                return parse_export_text(
                    decode_export(zf.read(members[0]), f"{path}:{members[0]}"),
                    f"{path}:{members[0]}",
                )
        except zipfile.BadZipFile as exc:
            raise ExportError(f"{path}: not a valid zip file") from exc
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise ExportError(f"{path}: cannot read ({exc.strerror})") from exc
    return parse_export_text(decode_export(raw, str(path)), str(path))


def decode_export(raw: bytes, where: str) -> str:
    for encoding in ("utf-8-sig", "utf-16"):
        try:
            text = raw.decode(encoding)
            if encoding == "utf-16" and not raw.startswith((b"\xff\xfe", b"\xfe\xff")):
                continue
            return text
        except UnicodeDecodeError:
            continue
    try:
        return raw.decode("cp1252")
    except UnicodeDecodeError as exc:
        raise ExportError(f"{where}: cannot decode the file (not UTF-8 or Windows-1252)") from exc


def parse_export_text(text: str, where: str = "<export>") -> list[QueryRow]:
    """Parse a Queries table; columns found by name, numbers in English or German style."""
    if not text.strip():
        raise ExportError(f"{where}: the file is empty")
    # The delimiter is the one that splits the header line most; quoting is always the
    # standard one (a query with quotes is written as """indrive"""). csv.Sniffer guessed
    # quote rules from data rows and misread such queries.
    first = text.lstrip("\ufeff").split("\n", 1)[0]
    delimiter = max((",", ";", "\t"), key=lambda d: len(next(csv.reader([first], delimiter=d))))
    reader = csv.reader(io.StringIO(text.lstrip("\ufeff")), delimiter=delimiter)
    header = [h.strip().lower() for h in next(reader)]
    cols = {
        "query": _find(header, QUERY_HEADERS),
        "page": _find(header, PAGE_HEADERS),
        "clicks": _find(header, CLICK_HEADERS),
        "impressions": _find(header, IMPRESSION_HEADERS),
        "ctr": _find(header, CTR_HEADERS),
        "position": _find(header, POSITION_HEADERS),
    }
    missing = [k for k in ("query", "clicks", "impressions", "position") if cols[k] is None]
    if missing:
        raise ExportError(
            f"{where}: not a Search Console queries export; missing column(s) "
            f"{', '.join(missing)} (found: {', '.join(header)})"
        )
    rows: list[QueryRow] = []
    for lineno, record in enumerate(reader, start=2):
        if not any(cell.strip() for cell in record):
            continue
        if len(record) < len(header):
            raise ExportError(
                f"{where}: line {lineno} has {len(record)} cells, expected {len(header)}"
            )
        try:
            clicks = _int(record[cols["clicks"]])
            impressions = _int(record[cols["impressions"]])
            position = _float(record[cols["position"]])
            if cols["ctr"] is not None and record[cols["ctr"]].strip():
                ctr = _percent(record[cols["ctr"]])
            else:
                ctr = clicks / impressions if impressions else 0.0
        except ValueError as exc:
            raise ExportError(f"{where}: line {lineno}: {exc}") from exc
        rows.append(
            QueryRow(
                query=record[cols["query"]].strip(),
                page=record[cols["page"]].strip() if cols["page"] is not None else "",
                clicks=clicks,
                impressions=impressions,
                ctr=ctr,
                position=position,
            )
        )
    return rows


def _find(header: list[str], names: set[str]) -> int | None:
    for i, h in enumerate(header):
        if h in names:
            return i
    return None


def _clean_number(cell: str) -> str:
    return (
        cell.strip().replace("\u00a0", "").replace("\u202f", "").replace(" ", "").replace("'", "")
    )


def _int(cell: str) -> int:
    s = _clean_number(cell)
    if not s:
        return 0
    if re.fullmatch(r"\d{1,3}([.,]\d{3})+", s):  # 1.234 or 1,234 thousands
        s = s.replace(".", "").replace(",", "")
    try:
        return int(float(s.replace(",", ".")))
    except ValueError:
        raise ValueError(f"{cell!r} is not a number") from None


def _float(cell: str) -> float:
    s = _clean_number(cell)
    if not s:
        return 0.0
    if "," in s and "." in s:  # 1.234,5 (German) or 1,234.5 (English)
        s = (
            s.replace(".", "").replace(",", ".")
            if s.rfind(",") > s.rfind(".")
            else s.replace(",", "")
        )
    else:
        s = s.replace(",", ".")
    try:
        return float(s)
    except ValueError:
        raise ValueError(f"{cell!r} is not a number") from None


def _percent(cell: str) -> float:
    s = cell.strip()
    if s.endswith("%"):
        return _float(s[:-1]) / 100.0
    value = _float(s)
    return value / 100.0 if value > 1 else value


def read_month_exports(folder: Path, month: str) -> tuple[list[QueryRow], list[str]]:
    """Rows of every export for ``month`` in ``folder``, and the problems met (one per bad file).

    A bad export file is reported and skipped; it never hides the good ones beside it.
    Duplicate rows (same query and page in two files) are kept once, the first file winning.
    """
    rows: list[QueryRow] = []
    problems: list[str] = []
    seen: set[tuple[str, str]] = set()
    for export in find_exports(folder, month):
        try:
            for row in read_export(export.path):
                key = (row.query, row.page)
                if key not in seen:
                    seen.add(key)
                    rows.append(row)
        except ExportError as exc:
            problems.append(str(exc))
    return rows, problems
