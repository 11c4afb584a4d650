"""`kundensprache inspect FILE…`: what the ingest reads from a file, changing nothing.

For each file: its verdict (accepted or rejected with the reason), then every document with
its date and where the date came from, account, language, title, and each segment's role
and redacted text — exactly what would be stored, so a user can see why a phrase became a
keyword (or why a file did not count). Nothing is written: no store, no outputs.
"""

from __future__ import annotations

import textwrap
from pathlib import Path

from kundensprache.core.config import Config
from kundensprache.core.sources import SOURCE_EXTENSIONS, source_of_folder
from kundensprache.ingest.errors import Rejected
from kundensprache.ingest.pipeline import _load, _parse, documents_with_dates

# Sales material from the one table of sources; Search Console exports beside it.
SEARCH_CONSOLE = "search_console"
SOURCE_BY_SUFFIX = {ext: s for s, exts in SOURCE_EXTENSIONS.items() for ext in exts} | {
    ".zip": SEARCH_CONSOLE
}
DATE_ORIGIN = {
    "the file's own": "from the file (date column, Date: header, Datum: line or file name)",
    "the upload's": "from the upload form",
    "mtime": "the file's modification time: the file has no date of its own",
}
TEXT_WIDTH = 100


def guess_source(path: Path) -> str | None:
    """call / crm / email / search_console from the folder the file is in, else its suffix."""
    for part in reversed(Path(path).resolve().parent.parts):
        if part.lower() == SEARCH_CONSOLE:
            return SEARCH_CONSOLE
        source = source_of_folder(part)
        if source is not None:
            return source
    return SOURCE_BY_SUFFIX.get(Path(path).suffix.lower())


def inspect_file(path: Path, config: Config, source: str | None = None) -> str:
    """A readable account of what the ingest makes of ``path``."""
    path = Path(path)
    source = source or guess_source(path)
    if source is None:
        return f"{path}: cannot tell the source type; give --source call|crm|email\n"
    if source == "search_console":
        return _inspect_export(path)
    loaded = _load(path, source, config, None)
    head = f"{path}  ({source})"
    if loaded.reason or loaded.data is None:
        return f"{head}\n  rejected: {loaded.reason or 'file could not be read'}\n"
    try:
        drafts, notes = _parse(loaded.data, path.name, source, config, loaded.meta)
    except Rejected as exc:
        return f"{head}\n  rejected: {exc}\n"
    found = documents_with_dates(drafts, source, loaded, config)
    if not found:
        return f"{head}\n  rejected: no text found\n"
    lines = [f"{head}: {len(found)} document(s)"]
    for note in [*loaded.notes, *notes]:
        lines.append(f"  note: {note}")
    for n, (doc, origin) in enumerate(found, 1):
        lines.append(f"  document {n}: {doc.doc_id[:12]}")
        lines.append(f"    date      {doc.date}  ({DATE_ORIGIN[origin]})")
        lines.append(f"    account   {doc.account or '(none: counts as its own account)'}")
        lines.append(f"    language  {doc.language}")
        if doc.title:
            lines.append(f"    title     {doc.title}")
        for segment in doc.segments:
            lines.append(f"    [{segment.role}]")
            for para in segment.text.split("\n"):
                wrapped = textwrap.wrap(para, TEXT_WIDTH - 6) or [""]
                lines.extend("      " + w for w in wrapped)
    return "\n".join(lines) + "\n"


def _inspect_export(path: Path) -> str:
    """A Search Console export: its period and whether it is a Queries table."""
    from kundensprache.search_console.export import ExportError, decode_export, parse_export_text
    from kundensprache.search_console.export_scan import folder_period, zip_queries

    try:
        if path.suffix.lower() == ".zip":
            text, period = zip_queries(path)
        else:
            text, period = decode_export(path.read_bytes(), str(path)), folder_period(path.parent)
        rows = parse_export_text(text, str(path))
    except (ExportError, OSError) as exc:
        return f"{path}  (search_console)\n  not usable: {exc}\n"
    if period.months:
        span = f"{period.first}..{period.last} ({len(period.months)} month(s))"
    else:
        span = period.label or "not stated (no Dates.csv or Filters.csv beside it)"
    lines = [f"{path}  (search_console): {len(rows)} queries", f"  period  {span}"]
    lines += [
        f"  {r.query!r}: {r.impressions} impressions, position {r.position}" for r in rows[:5]
    ]
    return "\n".join(lines) + "\n"
