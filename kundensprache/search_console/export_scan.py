"""Which Search Console UI exports feed a report month, with a verdict for every file.

The UI's export is a set of tables (Queries, Pages, Countries, Devices, Dates, Filters, …),
as a zip or unpacked into a folder. Only the Queries table carries what we match against;
``Dates.csv`` (one row per day) and ``Filters.csv`` (``Date, Last 3 months``) say which
period the figures cover. An export spanning more than the report month must not be used
as that month's figures (twelve months of impressions are not one month's), so it is
rejected for the month with a reason that says how to export a single month.

Every file under ``inputs/search_console/`` gets one verdict, which goes into
``ingest_report.csv``: accepted (these queries fed the month), rejected (why), or not a
Queries table.
"""

from __future__ import annotations

import csv
import io
import re
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

from kundensprache.core.models import QueryRow
from kundensprache.search_console.export import (
    MONTH_IN_NAME,
    QUERY_FILE_NAMES,
    QUERY_HEADERS,
    ExportError,
    decode_export,
    parse_export_text,
)

DATES_NAMES = ("dates.csv", "datum.csv", "daten.csv", "tage.csv")
FILTERS_NAMES = ("filters.csv", "filter.csv")
ONE_MONTH_HOWTO = (
    "export one month: in Search Console open Performance, set the date filter to "
    "Custom with the month's first and last day, then Export"
)
_DAY = re.compile(r"(\d{4})-(\d{2})-\d{2}")


@dataclass
class ExportVerdict:
    """One Search Console file's row in ingest_report.csv."""

    file: str
    status: str  # accepted | rejected
    reason: str
    rows: list[QueryRow] = field(default_factory=list)
    feeds: bool = False  # its queries are the month's figures

    def report_row(self) -> dict[str, str]:
        return {
            "file": self.file,
            "source": "search_console",
            "status": self.status,
            "documents": "0",
            "reason": self.reason,
        }


@dataclass
class Period:
    """What an export says about the days it covers."""

    months: set[str] = field(default_factory=set)  # from Dates.csv
    label: str = ""  # the Filters.csv date filter, e.g. "Last 12 months"
    first: str = ""
    last: str = ""

    def verdict(self, month: str) -> str | None:
        """None when the export is exactly the report month; else why it is not."""
        if self.months:
            if self.months == {month}:
                return None
            span = f"{self.first}..{self.last}, {len(self.months)} month(s)"
            if month not in self.months:
                return f"the export covers {span}, not {month}"
            return f"the export covers {span}, more than {month}; {ONE_MONTH_HOWTO}"
        if self.label and not _custom_one_month(self.label, month):
            return f"the export's date filter is {self.label!r}, not {month}; {ONE_MONTH_HOWTO}"
        return None


def month_exports(folder: Path, month: str) -> tuple[list[QueryRow], list[ExportVerdict]]:
    """The query rows that feed ``month`` and a verdict for every file under ``folder``.

    Dated Queries exports (a month in the file or folder name, or a one-month Dates.csv)
    for the month win; undated ones are used when no dated one exists. A query seen in two
    accepted files is kept once, the first file (by path) winning."""
    folder = Path(folder)
    if not folder.is_dir():
        return [], []
    files = sorted(p for p in folder.rglob("*") if p.is_file() and not p.name.startswith("."))
    verdicts: dict[Path, ExportVerdict] = {}
    candidates: list[tuple[Path, list[QueryRow], str | None]] = []  # (path, rows, month)
    for path in files:
        shown = path.relative_to(folder).as_posix()
        found = _read_one(path, shown, month)
        if isinstance(found, ExportVerdict):
            verdicts[path] = found
        else:
            candidates.append((path, *found))
    dated = [c for c in candidates if c[2] == month]
    chosen = {c[0] for c in (dated or [c for c in candidates if c[2] is None])}
    rows: list[QueryRow] = []
    seen: set[tuple[str, str]] = set()
    for path, found_rows, when in candidates:
        shown = path.relative_to(folder).as_posix()
        if path not in chosen:
            why = (
                f"a Queries export for {when}, not the report month {month}"
                if when
                else f"undated; the export dated {month} is used instead"
            )
            verdicts[path] = ExportVerdict(shown, "rejected", why)
            continue
        new = [r for r in found_rows if (r.query, r.page) not in seen]
        seen.update((r.query, r.page) for r in new)
        rows.extend(new)
        how = f"for {month}" if when else f"undated, used for {month}"
        verdicts[path] = ExportVerdict(
            shown, "accepted", f"Search Console figures {how}: {len(found_rows)} queries", new, True
        )
    return rows, [verdicts[p] for p in files if p in verdicts]


def _read_one(
    path: Path, shown: str, month: str
) -> ExportVerdict | tuple[list[QueryRow], str | None]:
    """A verdict for a file that does not feed the month, else (rows, month it covers)."""
    name = path.name.lower()
    suffix = path.suffix.lower()
    if suffix not in (".csv", ".zip"):
        return ExportVerdict(shown, "rejected", "not a Search Console export (.csv or .zip)")
    if name in DATES_NAMES or name in FILTERS_NAMES:
        period = folder_period(path.parent)
        what = "days" if name in DATES_NAMES else "filters"
        return ExportVerdict(
            shown, "accepted", f"the {what} of the export beside it ({_describe(period)})"
        )
    try:
        if suffix == ".zip":
            text, period = zip_queries(path)
        else:
            text, period = decode_export(path.read_bytes(), shown), folder_period(path.parent)
            if not _is_queries_table(text):
                return ExportVerdict(shown, "rejected", _not_queries(text))
        rows = parse_export_text(text, shown)
    except ExportError as exc:
        return ExportVerdict(shown, "rejected", str(exc))
    except OSError as exc:
        return ExportVerdict(shown, "rejected", f"cannot read: {exc.strerror or exc}")
    problem = period.verdict(month)
    if problem:
        return ExportVerdict(shown, "rejected", problem)
    if period.months:
        return rows, month
    named = _name_month(path)
    return rows, named


def zip_queries(path: Path) -> tuple[str, Period]:
    try:
        with zipfile.ZipFile(path) as zf:
            names = {Path(n).name.lower(): n for n in zf.namelist()}
            member = next((names[n] for n in QUERY_FILE_NAMES if n in names), None)
            if member is None:
                raise ExportError(
                    f"no Queries table in this zip (it has: {', '.join(zf.namelist())})"
                )
            if zf.getinfo(member).file_size > 200 * 2**20:
                raise ExportError(f"{member} is implausibly large")
            text = decode_export(zf.read(member), f"{path.name}:{member}")
            period = Period()
            for n in DATES_NAMES:
                if n in names:
                    _dates_into(period, decode_export(zf.read(names[n]), n))
            for n in FILTERS_NAMES:
                if n in names:
                    period.label = _date_filter(decode_export(zf.read(names[n]), n))
            return text, period
    except zipfile.BadZipFile as exc:
        raise ExportError("not a valid zip file") from exc


def folder_period(folder: Path) -> Period:
    """The period of an unpacked UI export: Dates.csv / Filters.csv in the same folder."""
    period = Period()
    for child in sorted(folder.iterdir()):
        lower = child.name.lower()
        try:
            if lower in DATES_NAMES:
                _dates_into(period, decode_export(child.read_bytes(), child.name))
            elif lower in FILTERS_NAMES:
                period.label = _date_filter(decode_export(child.read_bytes(), child.name))
        except (ExportError, OSError):
            continue
    return period


def _dates_into(period: Period, text: str) -> None:
    days = sorted(m[0] for m in (_DAY.match(line) for line in text.splitlines()) if m)
    if days:
        period.months = {d[:7] for d in days}
        period.first, period.last = days[0], days[-1]


def _date_filter(text: str) -> str:
    for row in csv.reader(io.StringIO(text)):
        if len(row) >= 2 and row[0].strip().lower() in ("date", "datum", "zeitraum"):
            return row[1].strip()
    return ""


def _custom_one_month(label: str, month: str) -> bool:
    """A custom date filter that names exactly the month's days counts as that month."""
    days = _DAY.findall(label)
    return bool(days) and all(f"{y}-{m}" == month for y, m in days)


def _describe(period: Period) -> str:
    if period.months:
        return f"{period.first}..{period.last}"
    return period.label or "no dates"


def _name_month(path: Path) -> str | None:
    for part in reversed(path.parts[-3:]):
        m = MONTH_IN_NAME.search(part)
        if m:
            return f"{m.group(1)}-{m.group(2)}"
    return None


def _header(text: str) -> list[str]:
    first = text.lstrip("\ufeff").split("\n", 1)[0]
    delimiter = max((",", ";", "\t"), key=first.count)
    return [h.strip().lower() for h in next(csv.reader([first], delimiter=delimiter), [])]


def _is_queries_table(text: str) -> bool:
    return any(h in QUERY_HEADERS for h in _header(text))


def _not_queries(text: str) -> str:
    header = _header(text)
    first = header[0] if header else "nothing"
    return (
        f"not a Queries table (its first column is {first!r}); only the Queries export "
        "(Top queries / Häufigste Suchanfragen) is used"
    )
