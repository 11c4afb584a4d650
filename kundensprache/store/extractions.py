"""Stored per-document extraction records, so a month extracts only new or changed documents.

One row per document: the record's bytes (``extractors.records`` packs and unpacks them; the
store never looks inside), the hash of the content it was made from and the fingerprint of
the extraction settings. A record counts only while both still match the document and the
current settings; otherwise the document is extracted again and its row replaced. Rows of
documents that left the store (a changed file supersedes its old version) are pruned.
Plain SQLAlchemy Core, no dialect-specific statements.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date

from sqlalchemy import func, select

from kundensprache.core.models import Document
from kundensprache.store.db import Store, document_from_row
from kundensprache.store.schema import documents, extractions

BATCH = 1000
STREAM_BATCH = 2000


@dataclass(frozen=True)
class StoredRecord:
    """A document's metadata with its stored record bytes (``phrases`` None when not asked)."""

    doc_id: str
    source: str
    account: str | None
    date: date | None
    language: str
    head: bytes
    phrases: bytes | None


def content_hash(language: str, segments_json: str) -> str:
    """What extraction reads of a document: its language and its segments as stored."""
    h = hashlib.blake2b(digest_size=16)
    h.update((language or "").encode() + b"\0" + segments_json.encode())
    return h.hexdigest()


class Extractions:
    """Per-document extraction records in the store's database."""

    def __init__(self, store: Store):
        self.engine = store._engine

    def _window(self, query, since: date | None, until: date | None):
        if since is not None:
            query = query.where(documents.c.date >= since)
        if until is not None:
            query = query.where(documents.c.date <= until)
        return query

    def scan(
        self, fingerprint: str, since: date | None = None, until: date | None = None
    ) -> tuple[list[tuple[str, str]], str]:
        """(doc_id, content hash) of the window's documents without a current record, and a
        key of everything the month's aggregation reads of the window: each document's id, metadata and content
        hash, and the settings' fingerprint. Equal keys, equal stored records."""
        query = self._window(
            select(
                documents.c.doc_id,
                documents.c.source,
                documents.c.account,
                documents.c.date,
                documents.c.language,
                documents.c.segments,
                extractions.c.content_hash,
                extractions.c.fingerprint,
            )
            .select_from(
                documents.outerjoin(extractions, extractions.c.doc_id == documents.c.doc_id)
            )
            .order_by(documents.c.doc_id),
            since,
            until,
        )
        out = []
        key = hashlib.blake2b(fingerprint.encode(), digest_size=16)
        with self.engine.connect() as conn:
            for row in conn.execution_options(yield_per=STREAM_BATCH).execute(query):
                digest = content_hash(row.language, row.segments)
                if row.content_hash != digest or row.fingerprint != fingerprint:
                    out.append((row.doc_id, digest))
                meta = (row.doc_id, row.source, row.account, str(row.date), row.language, digest)
                key.update(repr(meta).encode())
        return out, key.hexdigest()

    def documents(self, doc_ids: list[str]) -> list[Document]:
        """The documents with these ids, in doc_id order."""
        out = []
        with self.engine.connect() as conn:
            for i in range(0, len(doc_ids), BATCH):
                rows = conn.execute(
                    select(documents)
                    .where(documents.c.doc_id.in_(doc_ids[i : i + BATCH]))
                    .order_by(documents.c.doc_id)
                )
                out += [document_from_row(row) for row in rows]
        return out

    def save(self, fingerprint: str, rows: list[tuple[str, str, bytes, bytes]]) -> None:
        """Store (doc_id, content hash, head, phrases) rows, replacing earlier ones."""
        if not rows:
            return
        with self.engine.begin() as conn:
            for i in range(0, len(rows), BATCH):
                chunk = rows[i : i + BATCH]
                conn.execute(
                    extractions.delete().where(extractions.c.doc_id.in_([r[0] for r in chunk]))
                )
                conn.execute(
                    extractions.insert(),
                    [
                        {
                            "doc_id": d,
                            "content_hash": h,
                            "fingerprint": fingerprint,
                            "head": hd,
                            "phrases": ph,
                        }
                        for d, h, hd, ph in chunk
                    ],
                )

    def prune(self) -> int:
        """Drop the records of documents no longer in the store; returns how many went."""
        gone = ~extractions.c.doc_id.in_(select(documents.c.doc_id))
        with self.engine.begin() as conn:
            return conn.execute(extractions.delete().where(gone)).rowcount

    def stream(
        self,
        fingerprint: str,
        since: date | None = None,
        until: date | None = None,
        *,
        phrases: bool = True,
    ) -> Iterator[StoredRecord]:
        """The window's documents with a current record, in doc_id order, streamed."""
        columns = [
            documents.c.doc_id,
            documents.c.source,
            documents.c.account,
            documents.c.date,
            documents.c.language,
            extractions.c.head,
        ]
        if phrases:
            columns.append(extractions.c.phrases)
        query = self._window(
            select(*columns)
            .select_from(documents.join(extractions, extractions.c.doc_id == documents.c.doc_id))
            .where(extractions.c.fingerprint == fingerprint)
            .order_by(documents.c.doc_id),
            since,
            until,
        )
        with self.engine.connect() as conn:
            for row in conn.execution_options(yield_per=STREAM_BATCH).execute(query):
                yield StoredRecord(
                    row.doc_id,
                    row.source,
                    row.account,
                    row.date,
                    row.language,
                    row.head,
                    row.phrases if phrases else None,
                )

    def segment_texts(self, wanted: list[tuple[str, int]]) -> dict[tuple[str, int], str]:
        """Texts of (doc_id, segment index) pairs: the few quoted as examples."""
        ids = sorted({d for d, _ in wanted})
        by_id = {d.doc_id: d for d in self.documents(ids)}
        return {(d, i): by_id[d].segments[i].text for d, i in wanted}

    def count(self) -> int:
        with self.engine.connect() as conn:
            return conn.execute(select(func.count()).select_from(extractions)).scalar_one()
