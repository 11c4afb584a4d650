"""Ingest: sales material in the inbox -> redacted, deduplicated documents in the store.

Readers for call notes and transcripts (calls.py), CRM exports (crm.py) and emails
(emails.py) turn files into drafts; documents.py redacts them (redact.py), splits speaker
roles and hashes them for dedupe; pipeline.py ties it together incrementally.
"""

from kundensprache.ingest.discover import discover
from kundensprache.ingest.pipeline import (
    ReadFile,
    ingest_inbox,
    ingest_paths,
    read_file,
    read_paths,
    store_read,
    validate_upload,
)
from kundensprache.ingest.redact import redact

__all__ = [
    "ReadFile",
    "discover",
    "ingest_inbox",
    "ingest_paths",
    "read_file",
    "read_paths",
    "redact",
    "store_read",
    "validate_upload",
]
