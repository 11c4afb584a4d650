"""``keyword_candidates.xlsx``: the month's tables as sheets, for people.

The CSVs stay the machines' format; the workbook is what a content team opens in Excel or
Google Sheets: one sheet per table, header frozen, autofilter on, numbers stored as numbers
(CTR as a percentage, position with one decimal), dates as dates, columns wide enough to read.
Written with openpyxl directly, because the formatting is cell-level anyway. The file is
deterministic: fixed document timestamps and zip entry dates, so a re-run gives the same bytes.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

WORKBOOK_NAME = "keyword_candidates.xlsx"

# Sheet names per report language (Excel allows at most 31 characters).
SHEET_NAMES = {
    "keyword_candidates": {"de": "Keyword-Kandidaten", "en": "Keyword candidates"},
    "clusters": {"de": "Themen", "en": "Topics"},
    "unmatched_queries": {"de": "Suchanfragen ohne Kunden", "en": "Queries no customer uses"},
    "ingest_report": {"de": "Eingelesene Dateien", "en": "Ingest report"},
}
INTEGER_COLUMNS = frozenset(
    {"mentions", "documents", "accounts", "keywords", "gsc_queries", "impressions", "clicks"}
)
NUMBER_FORMATS = {"ctr": "0.00%", "position": "0.0", "score": "0.0"}
DATE_COLUMNS = frozenset({"first_seen", "last_seen"})
MIN_WIDTH, MAX_WIDTH = 8, 60
_FIXED_TIME = datetime(2000, 1, 1)


@dataclass(frozen=True)
class Sheet:
    """One output table: its CSV name without extension, columns and CSV-text rows."""

    name: str
    columns: Sequence[str]
    rows: Sequence[Mapping[str, str]]


def workbook_bytes(sheets: Sequence[Sheet], language: str = "de") -> bytes:
    """The workbook as bytes, sheets in the order given."""
    wb = Workbook()
    wb.remove(wb.active)
    for sheet in sheets:
        title = SHEET_NAMES.get(sheet.name, {}).get(language, sheet.name)[:31]
        _fill(wb.create_sheet(title), sheet)
    wb.properties.creator = "Kundensprache"
    wb.properties.created = wb.properties.modified = _FIXED_TIME
    buf = io.BytesIO()
    wb.save(buf)
    return _fixed_zip_dates(buf.getvalue())


def cell_value(column: str, text: str) -> int | float | date | str | None:
    """A CSV cell as the typed value the sheet stores (empty -> empty cell)."""
    if text == "":
        return None
    try:
        if column in INTEGER_COLUMNS:
            return int(text)
        if column in NUMBER_FORMATS:
            return float(text)
        if column in DATE_COLUMNS:
            return date.fromisoformat(text)
    except ValueError:
        return text
    return text


def _fill(ws, sheet: Sheet) -> None:
    ws.append(list(sheet.columns))
    for row in sheet.rows:
        ws.append([cell_value(col, row.get(col, "")) for col in sheet.columns])
    bold, fill = Font(bold=True), PatternFill("solid", fgColor="DDE7F3")
    for cell in ws[1]:
        cell.font, cell.fill = bold, fill
        cell.alignment = Alignment(vertical="top")
    for idx, col in enumerate(sheet.columns, start=1):
        letter = get_column_letter(idx)
        fmt = NUMBER_FORMATS.get(col) or ("yyyy-mm-dd" if col in DATE_COLUMNS else None)
        if fmt:
            for (cell,) in ws.iter_rows(min_row=2, min_col=idx, max_col=idx):
                cell.number_format = fmt
        ws.column_dimensions[letter].width = _width(col, sheet.rows)
    ws.freeze_panes = "A2"
    ws.auto_filter.ref = f"A1:{get_column_letter(len(sheet.columns))}{len(sheet.rows) + 1}"


def _width(column: str, rows: Sequence[Mapping[str, str]]) -> float:
    """Wide enough for the header (plus the filter button) and most values, capped."""
    longest = max((len(r.get(column, "")) for r in rows[:500]), default=0)
    return float(min(MAX_WIDTH, max(MIN_WIDTH, len(column) + 3, longest + 2)))


def _fixed_zip_dates(data: bytes) -> bytes:
    """Rewrite the zip with fixed entry dates (openpyxl stamps the current time)."""
    out = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(data)) as src,
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst,
    ):
        for info in src.infolist():
            fixed = zipfile.ZipInfo(info.filename, date_time=(2000, 1, 1, 0, 0, 0))
            fixed.compress_type = zipfile.ZIP_DEFLATED
            dst.writestr(fixed, src.read(info.filename))
    return out.getvalue()
