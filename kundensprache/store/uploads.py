"""The upload page's list in the store: one row per handed-over file (or rejected attempt).

Whether a received file has been ingested is not copied here: it is looked up in the
ingest results by the file's path relative to the inbox, so a file the monthly flow ingested
shows as ingested too. The path alone identifies an upload because stored names are
generated and never reused; the content hash is not used for the look-up because the
ingest's hash also covers the sidecar (a corrected sidecar gives a new, later result).
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select, update

from kundensprache.store.db import Store
from kundensprache.store.schema import file_results, uploads


@dataclass
class UploadRow:
    id: int
    batch: str
    user: str
    source: str
    original_name: str | None
    stored_path: str | None
    sha256: str
    size: int
    account: str | None
    date: str | None
    speaker_role: str
    uploaded_at: str
    status: str
    reason: str
    run: str | None
    ingest_status: str | None
    ingest_reason: str


class UploadLog:
    """Reads and writes the ``uploads`` table of a store."""

    def __init__(self, store: Store):
        self._engine = store._engine

    def add(self, **values: object) -> int:
        with self._engine.begin() as conn:
            return conn.execute(uploads.insert().values(**values)).inserted_primary_key[0]

    def recent(self, user: str, limit: int = 50) -> list[UploadRow]:
        query = (
            select(uploads).where(uploads.c.user == user).order_by(uploads.c.id.desc()).limit(limit)
        )
        return self._rows(query)

    def batch(self, user: str, batch: str) -> list[UploadRow]:
        query = select(uploads).where(uploads.c.user == user, uploads.c.batch == batch)
        return self._rows(query.order_by(uploads.c.id))

    def by_run(self, user: str, run: str) -> list[UploadRow]:
        query = select(uploads).where(uploads.c.user == user, uploads.c.run == run)
        return self._rows(query.order_by(uploads.c.id))

    def received(self, user: str) -> list[UploadRow]:
        """The user's files that were accepted at upload (ingested or not), oldest first."""
        query = select(uploads).where(uploads.c.user == user, uploads.c.status == "received")
        return self._rows(query.order_by(uploads.c.id))

    def stored_bytes_since(self, user: str, since_iso: str) -> int:
        """Bytes of the user's accepted uploads at or after ``since_iso`` (the upload quota)."""
        query = select(func.coalesce(func.sum(uploads.c.size), 0)).where(
            uploads.c.user == user,
            uploads.c.status == "received",
            uploads.c.uploaded_at >= since_iso,
        )
        with self._engine.connect() as conn:
            return int(conn.execute(query).scalar_one())

    def mark_run(self, row_id: int, run: str, ingest_status: str, ingest_reason: str) -> None:
        with self._engine.begin() as conn:
            conn.execute(
                update(uploads)
                .where(uploads.c.id == row_id)
                .values(run=run, ingest_status=ingest_status, ingest_reason=ingest_reason)
            )

    def _rows(self, query) -> list[UploadRow]:
        with self._engine.connect() as conn:
            return [UploadRow(**row._mapping) for row in conn.execute(query)]


def ingest_results(store: Store, paths: list[str]) -> dict[str, tuple[str, str]]:
    """Latest ingest (status, reason) per inbox-relative path, for those that have one."""
    found: dict[str, tuple[str, str]] = {}
    wanted = sorted(set(paths))
    with store._engine.connect() as conn:
        for i in range(0, len(wanted), 500):
            query = (
                select(file_results.c.path, file_results.c.status, file_results.c.reason)
                .where(file_results.c.path.in_(wanted[i : i + 500]))
                .order_by(file_results.c.ingested_at, file_results.c.sha256)
            )
            for path, status, reason in conn.execute(query):
                found[path] = (status, reason or "")
    return found
