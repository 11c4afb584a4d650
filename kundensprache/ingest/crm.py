"""CRM note exports (.csv, .tsv, .xlsx) -> one draft per note row.

Columns are found by name (German or English, case-insensitive), by a preset for the note
exports of Pipedrive, HubSpot and Salesforce, or by an explicit mapping in the config
(``[ingest] crm_columns``). CSV dialects vary by tool and locale, so the delimiter is sniffed
from the header line and the encoding from the bytes. Rows with the wrong number of cells
are skipped and counted; the good rows are kept.
"""

from __future__ import annotations

import csv
import html
import io
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from kundensprache.ingest.crm_presets import GENERIC, PRESETS
from kundensprache.ingest.dates import to_date
from kundensprache.ingest.documents import Draft
from kundensprache.ingest.errors import Rejected
from kundensprache.ingest.markup import html_to_text as markup_to_text
from kundensprache.ingest.markup import looks_like_html, strip_contact_noise
from kundensprache.ingest.textio import decode_text
from kundensprache.ingest.zipcheck import check_zip

ROLES = ("text", "account", "date", "author", "type", "contact", "title")
_DELIMITERS = (",", ";", "\t", "|")

csv.field_size_limit(50 * 2**20)


@dataclass
class CrmResult:
    drafts: list[Draft]
    notes: list[str] = field(default_factory=list)  # for the report's reason column


def normalise_header(name: Any) -> str:
    text = str(name or "").replace("\ufeff", "").strip().strip('"').casefold()
    return re.sub(r"[\s_\-.]+", " ", text).strip()


def html_to_text(value: str) -> str:
    """Note bodies from CRMs often carry HTML (<p>, <br>, <div>, entities)."""
    if not looks_like_html(value):
        return html.unescape(value) if "&" in value else value
    return markup_to_text(value)


def map_columns(
    header: list[str], preset: str, explicit: dict[str, str]
) -> tuple[dict[str, int], str]:
    """role -> column index, and the name of the layout used. Raises Rejected if no text."""
    normalised = [normalise_header(h) for h in header]
    if explicit:
        mapping: dict[str, int] = {}
        for role, column in explicit.items():
            key = normalise_header(column)
            if key not in normalised:
                raise Rejected(
                    f"column {column!r} from [ingest] crm_columns.{role} not found "
                    f"(columns: {', '.join(str(h) for h in header)})"
                )
            mapping[role] = normalised.index(key)
        if "text" not in mapping:
            raise Rejected("[ingest] crm_columns has no 'text' entry naming the note column")
        return mapping, "config mapping"
    layouts = [(preset, PRESETS[preset])] if preset in PRESETS else []
    if preset == "auto":
        layouts = [(name, p) for name, p in PRESETS.items() if _detected(p, normalised)]
    elif preset not in PRESETS and preset != "generic":
        raise Rejected(
            f"unknown [ingest] crm_preset {preset!r} (known: auto, generic, {', '.join(PRESETS)})"
        )
    for name, layout in [*layouts, ("generic", GENERIC)]:
        mapping = _find(normalised, layout["columns"])
        if "text" in mapping:
            return mapping, name
    raise Rejected(
        "no recognisable text column (columns: "
        + ", ".join(str(h) for h in header if str(h).strip())
        + '); name the note column in [ingest] crm_columns, e.g. text = "Notiz"'
    )


def _detected(preset: dict, normalised: list[str]) -> bool:
    return any(
        all(normalise_header(c) in normalised for c in columns) for columns in preset["detect"]
    )


# Roles whose further matching columns are tried, in order, when a row's first is empty
# (a Salesforce task without ActivityDate still has its CreatedDate).
FALLBACK_ROLES = ("text", "date", "account")


def _find(normalised: list[str], columns: dict[str, list[str]]) -> dict[str, int]:
    """role -> column index of the first candidate present; for FALLBACK_ROLES also
    "role#1", "role#2", … for the further candidates present."""
    mapping: dict[str, int] = {}
    for role, names in columns.items():
        found = 0
        for candidate in names:
            key = normalise_header(candidate)
            if key in normalised and normalised.index(key) not in mapping.values():
                mapping[role if found == 0 else f"{role}#{found}"] = normalised.index(key)
                found += 1
                if role not in FALLBACK_ROLES:
                    break
    return mapping


def _first(row: list[Any], mapping: dict[str, int], role: str) -> Any:
    """The role's first non-empty cell in this row, trying its fallback columns in order."""
    value = _cell(row, mapping, role)
    n = 1
    while not _text(value) and f"{role}#{n}" in mapping:
        value = _cell(row, mapping, f"{role}#{n}")
        n += 1
    return value


def read_crm(
    data: bytes, name: str, preset: str, explicit: dict[str, str], max_bytes: int
) -> CrmResult:
    ext = "." + name.rsplit(".", 1)[-1].lower() if "." in name else ""
    if ext == ".xlsx":
        return _read_xlsx(data, preset, explicit, max_bytes)
    return _read_csv(decode_text(data), preset, explicit)


def sniff_delimiter(header_line: str) -> str:
    """The delimiter that splits the header line into the most cells (quotes respected)."""
    best, best_count = ",", 1
    for delim in _DELIMITERS:
        try:
            cells = next(csv.reader([header_line], delimiter=delim))
        except (csv.Error, StopIteration):
            continue
        if len(cells) > best_count:
            best, best_count = delim, len(cells)
    return best


def _read_csv(text: str, preset: str, explicit: dict[str, str]) -> CrmResult:
    text = text.lstrip("\ufeff")
    if not text.strip():
        raise Rejected("empty file")
    first_line = text.split("\n", 1)[0]
    if re.match(r"^\"?sep=.\"?$", first_line.strip()):  # Excel's "sep=;" hint line
        delimiter = first_line.strip().strip('"')[4]
        text = text.split("\n", 1)[1] if "\n" in text else ""
    else:
        delimiter = sniff_delimiter(_first_nonblank(text))
    reader = csv.reader(io.StringIO(text), delimiter=delimiter)
    rows = _numbered(reader)
    return _rows_to_drafts(rows, preset, explicit, check_width=True)


def _first_nonblank(text: str) -> str:
    for line in text.split("\n"):
        if line.strip():
            return line
    return ""


def _numbered(reader) -> Iterator[tuple[int, list[Any]]]:
    try:
        for row in reader:
            yield reader.line_num, row
    except csv.Error as exc:
        raise Rejected(f"malformed CSV near line {reader.line_num}: {exc}") from exc


def _read_xlsx(data: bytes, preset: str, explicit: dict[str, str], max_bytes: int) -> CrmResult:
    check_zip(data, ".xlsx", max_bytes)
    try:
        import openpyxl

        book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises KeyError, ValueError, zip errors …
        raise Rejected(f"corrupt or truncated .xlsx: {type(exc).__name__}: {exc}") from exc
    errors: list[str] = []
    try:
        for sheet in book.worksheets:
            rows = ((i, list(r)) for i, r in enumerate(sheet.iter_rows(values_only=True), 1))
            try:
                return _rows_to_drafts(rows, preset, explicit, check_width=False)
            except Rejected as exc:
                errors.append(f"sheet {sheet.title!r}: {exc}")
    except Rejected:
        raise
    except Exception as exc:
        raise Rejected(f"corrupt or truncated .xlsx: {type(exc).__name__}: {exc}") from exc
    finally:
        book.close()
    raise Rejected("; ".join(errors) or "workbook has no sheets")


def _rows_to_drafts(
    rows: Iterable[tuple[int, list[Any]]], preset: str, explicit: dict[str, str], check_width: bool
) -> CrmResult:
    header: list[Any] | None = None
    mapping: dict[str, int] = {}
    first_error: Rejected | None = None
    drafts: list[Draft] = []
    ragged: list[int] = []
    empty = 0
    for line, row in rows:
        if header is None:
            if not any(str(c or "").strip() for c in row):
                continue
            try:
                mapping, _layout = map_columns([str(c or "") for c in row], preset, explicit)
                header = row
            except Rejected as exc:
                first_error = first_error or exc
                if line >= 10:  # the header is in the first rows or nowhere
                    raise first_error from None
            continue
        if not any(str(c if c is not None else "").strip() for c in row):
            continue
        if check_width and len(row) != len(header):
            extra = row[len(header) :]
            if len(row) < len(header) or any(str(c).strip() for c in extra):
                ragged.append(line)
                continue
        draft = _row_draft(row, mapping)
        if draft is None:
            empty += 1
            continue
        drafts.append(draft)
    if header is None:
        raise first_error or Rejected("no header row found")
    notes = []
    if ragged:
        shown = ", ".join(str(n) for n in ragged[:5]) + (" …" if len(ragged) > 5 else "")
        notes.append(f"{len(ragged)} ragged row(s) skipped (wrong number of cells, line {shown})")
    if empty:
        notes.append(f"{empty} row(s) without note text skipped")
    if not drafts:
        raise Rejected("no notes with text found" + (f" ({'; '.join(notes)})" if notes else ""))
    return CrmResult(drafts=drafts, notes=notes)


def _cell(row: list[Any], mapping: dict[str, int], role: str) -> Any:
    index = mapping.get(role)
    if index is None or index >= len(row):
        return None
    return row[index]


def _text(value: Any) -> str:
    return "" if value is None else str(value).strip()


def _row_draft(row: list[Any], mapping: dict[str, int]) -> Draft | None:
    text = html_to_text(_text(_first(row, mapping, "text")))
    if not text.strip():
        return None
    names = set()
    for role in ("contact", "author"):
        value = _text(_cell(row, mapping, role))
        for person in re.split(r"[;,/&\n]|\bund\b|\band\b", value):
            person = strip_contact_noise(person)
            if person:
                names.add(person)
    title = _text(_cell(row, mapping, "title"))
    role, account = _direction(row, mapping)
    return Draft(
        turns=[(role, text)],
        account=_text(_first(row, mapping, "account")) or account,
        date=to_date(_first(row, mapping, "date")),
        title=html_to_text(title) if title else "",
        names=names,
    )


def _direction(row: list[Any], mapping: dict[str, int]) -> tuple[str, str | None]:
    """Exported email messages (Salesforce EmailMessage): ``Incoming`` 1 is the customer's,
    0 our own (rep); the account is the other side's mail domain."""
    incoming = _text(_cell(row, mapping, "incoming")).lower()
    if incoming not in ("1", "true", "0", "false"):
        return "unknown", None
    inbound = incoming in ("1", "true")
    other = _text(_cell(row, mapping, "from_address" if inbound else "to_address"))
    domain = other.split(";")[0].strip().rsplit("@", 1)[-1].lower() if "@" in other else ""
    return ("customer" if inbound else "rep"), (domain or None)
