"""The kinds of sales material, in one table: inbox folder, file types, sidecar, roles.

Ingest (discover, validate_upload), the CLI (``--source``) and the upload page all read it,
so a new file type or source is added here once.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Source:
    name: str  # the source type in outputs ("call", "crm", "email")
    folder: str  # its folder in the inbox
    extensions: tuple[str, ...]  # lower-case, with the dot


SOURCE_TABLE = (
    Source("call", "calls", (".txt", ".md", ".markdown", ".docx", ".pdf", ".vtt", ".srt")),
    Source("crm", "crm", (".csv", ".tsv", ".xlsx")),
    Source("email", "emails", (".eml", ".msg", ".mbox")),
)
SOURCES = tuple(s.name for s in SOURCE_TABLE)
SOURCE_FOLDERS = {s.name: s.folder for s in SOURCE_TABLE}  # source -> inbox folder
SOURCE_EXTENSIONS = {s.name: s.extensions for s in SOURCE_TABLE}
EXTENSIONS = tuple(ext for s in SOURCE_TABLE for ext in s.extensions)
# Metadata beside a file (upload page, or by hand): ``<file name>.meta.json``.
SIDECAR_SUFFIX = ".meta.json"
# Who speaks in a segment: the customer, our side, or not known (a rep's note).
ROLES = ("customer", "rep", "unknown")


def source_of_folder(name: str) -> str | None:
    """The source whose inbox folder is ``name`` ("calls", also "call"), any case; or None."""
    lowered = name.lower()
    for s in SOURCE_TABLE:
        if lowered in (s.folder, s.name):
            return s.name
    return None
