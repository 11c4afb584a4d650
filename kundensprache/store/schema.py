"""Every table of the store, in one place: nothing outside kundensprache.store defines one.

The same tables work on SQLite (the embedded default) and PostgreSQL (a team's server):
plain types only, text keys, float32 vectors as bytes.
"""

from __future__ import annotations

from sqlalchemy import (
    Column,
    Date,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Table,
    Text,
)

metadata = MetaData()

# One row per input file version (path + content hash): what ingest made of it.
file_results = Table(
    "file_results",
    metadata,
    Column("path", Text, primary_key=True),
    Column("sha256", String(64), primary_key=True),
    Column("source", String(16), nullable=False),
    Column("status", String(16), nullable=False),
    Column("reason", Text, nullable=False, default=""),
    Column("ingested_at", String(32), nullable=False),
)

# Which documents a file version holds (a document may come from several files).
file_documents = Table(
    "file_documents",
    metadata,
    Column("path", Text, primary_key=True),
    Column("sha256", String(64), primary_key=True),
    Column("doc_id", String(64), primary_key=True),
    Index("ix_file_documents_doc_id", "doc_id"),
)

documents = Table(
    "documents",
    metadata,
    Column("doc_id", String(64), primary_key=True),
    Column("source", String(16), nullable=False),
    Column("file", Text, nullable=False),
    Column("account", Text),
    Column("date", Date, index=True),
    Column("language", String(8), nullable=False),
    Column("title", Text, nullable=False, default=""),
    Column("segments", Text, nullable=False),  # JSON [[role, text], ...]
)

embeddings = Table(
    "embeddings",
    metadata,
    Column("model", Text, primary_key=True),
    Column("text", Text, primary_key=True),
    Column("dim", Integer, nullable=False),
    Column("vector", LargeBinary, nullable=False),  # float32 bytes
)

gsc_responses = Table(
    "gsc_responses",
    metadata,
    Column("property", Text, primary_key=True),
    Column("start_date", String(10), primary_key=True),
    Column("end_date", String(10), primary_key=True),
    Column("request_key", Text, primary_key=True),  # dimensions + filters, canonical JSON
    Column("rows", Text, nullable=False),  # JSON list of API rows
    Column("fetched_at", String(32), nullable=False),
)

cluster_snapshots = Table(
    "cluster_snapshots",
    metadata,
    Column("month", String(7), primary_key=True),
    Column("cluster_id", String(32), primary_key=True),
    Column("label", Text, nullable=False),
    Column("centroid", LargeBinary, nullable=False),
    Column("members", Text, nullable=False),  # JSON list
)

# The upload page's list: one row per handed-over file (or rejected attempt), per user.
uploads = Table(
    "uploads",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("batch", String(32), nullable=False, index=True),  # one form submission
    Column("user", Text, nullable=False, index=True),
    Column("source", String(16), nullable=False),
    Column("original_name", Text),  # display only; None for a pasted note
    Column("stored_path", Text),  # relative to the inbox, "/"-separated; None if rejected
    Column("sha256", String(64), nullable=False, default=""),
    Column("size", Integer, nullable=False, default=0),
    Column("account", Text),
    Column("date", String(10)),
    Column("speaker_role", String(16), nullable=False),
    Column("uploaded_at", String(32), nullable=False),
    Column("status", String(16), nullable=False),  # received | rejected (at upload)
    Column("reason", Text, nullable=False, default=""),
    Column("run", String(32)),  # the "process now" run that last handled it
    Column("ingest_status", String(16)),  # what that run reported: accepted|duplicate|rejected
    Column("ingest_reason", Text, nullable=False, default=""),
)

# Keyed hashes of the words of person names that redaction found (never the names): the
# output gate's memory of who was a person anywhere in the corpus (ingest/name_gate.py).
person_name_keys = Table(
    "person_name_keys",
    metadata,
    Column("key", String(32), primary_key=True),
)

# One row per document: its extraction record (extractors.records packs the bytes), valid
# while the content hash and the extraction-settings fingerprint still match (extractions.py).
extractions = Table(
    "extractions",
    metadata,
    Column("doc_id", String(64), primary_key=True),
    Column("content_hash", String(32), nullable=False),
    Column("fingerprint", String(32), nullable=False),
    Column("head", LargeBinary, nullable=False),  # small: read by the month's first pass
    Column("phrases", LargeBinary, nullable=False),
)
