"""The store: redacted documents, ingest results, caches and cluster snapshots.

One SQLite file in the working folder by default, or a PostgreSQL database for a team
(``[store] url = "postgresql+psycopg://…"``), through the same SQLAlchemy code. It holds
redacted documents (never raw input), per-file ingest results (so unchanged files are skipped
by content hash), the embedding cache, raw Search Console responses and the cluster snapshots
behind stable topic ids. Re-running a month adds no rows: every insert is keyed by content.
All SQL of the project lives in this package; the tables are in ``schema.py``.
"""

from __future__ import annotations

import contextlib
import json
from collections.abc import Iterable, Iterator
from datetime import UTC, date, datetime
from pathlib import Path

import numpy as np
from sqlalchemy import func, select
from sqlalchemy.engine import Connection, Engine

from kundensprache.core.models import Document, FileResult, KnownCluster, Segment
from kundensprache.store.connect import connect, display_url, upsert
from kundensprache.store.schema import (
    cluster_snapshots,
    documents,
    embeddings,
    file_documents,
    file_results,
    gsc_responses,
    metadata,
    person_name_keys,
)

_CHUNK = 500  # ids per IN (...) list: well under every database's parameter limit


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def _text(value: str | None) -> str | None:
    """PostgreSQL text cannot hold NUL; drop it on every backend so both store the same."""
    return value.replace("\x00", "") if isinstance(value, str) else value


class Store:
    """Thin, explicit access to the store. Open one per process (or per task).

    ``target`` is a database URL (``sqlite:///…``, ``postgresql+psycopg://…``) or the path
    of a SQLite file.
    """

    def __init__(self, target: Path | str):
        self._engine: Engine = connect(target)
        self.url = display_url(self._engine)
        self._batch: Connection | None = None  # the open transaction of ``batch()``

    @contextlib.contextmanager
    def batch(self) -> Iterator[None]:
        """Saves and lookups inside share one transaction: storing a shard of files commits
        once instead of once per file, and the lookups see what the shard stored so far."""
        with self._engine.begin() as conn:
            self._batch = conn
            try:
                yield
            finally:
                self._batch = None

    @contextlib.contextmanager
    def _begin(self) -> Iterator[Connection]:
        """A transaction, or the open one of ``batch()``."""
        if self._batch is not None:
            yield self._batch
        else:
            with self._engine.begin() as conn:
                yield conn

    def close(self) -> None:
        self._engine.dispose()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    @property
    def dialect(self) -> str:
        """``sqlite`` or ``postgresql``."""
        return self._engine.dialect.name

    # ---------------------------------------------------------------- ingest
    def file_result(self, path: str, sha256: str) -> FileResult | None:
        """The stored result for this exact file content, or None if never ingested."""
        with self._engine.connect() as conn:
            row = conn.execute(
                select(file_results).where(
                    file_results.c.path == path, file_results.c.sha256 == sha256
                )
            ).first()
        return None if row is None else _file_result(row)

    def file_doc_ids(self, path: str, sha256: str) -> list[str]:
        """The ids of the documents this file version holds, in id order."""
        with self._engine.connect() as conn:
            return list(
                conn.execute(
                    select(file_documents.c.doc_id)
                    .where(file_documents.c.path == path, file_documents.c.sha256 == sha256)
                    .order_by(file_documents.c.doc_id)
                ).scalars()
            )

    def stored_files(self, paths: Iterable[str]) -> dict[tuple[str, str], FileResult]:
        """(path, sha256) -> stored result (with ``document_count``) of every ingested version
        of these files: two queries per batch of files instead of two per file (a re-run
        looks up every file of the inbox)."""
        paths = sorted(set(paths))
        found: dict[tuple[str, str], FileResult] = {}
        with self._engine.connect() as conn:
            for i in range(0, len(paths), _CHUNK):
                chunk = paths[i : i + _CHUNK]
                for row in conn.execute(select(file_results).where(file_results.c.path.in_(chunk))):
                    found[(row.path, row.sha256)] = _file_result(row)
                counts = conn.execute(
                    select(file_documents.c.path, file_documents.c.sha256, func.count())
                    .where(file_documents.c.path.in_(chunk))
                    .group_by(file_documents.c.path, file_documents.c.sha256)
                )
                for path, sha, n in counts:
                    if (path, sha) in found:
                        found[(path, sha)].document_count = n
        return found

    def document_files(self, doc_ids: Iterable[str]) -> dict[str, str]:
        """doc_id -> the file it was first stored from, for those ids already stored."""
        ids = list(dict.fromkeys(doc_ids))
        found: dict[str, str] = {}
        with self._begin() as conn:
            for i in range(0, len(ids), _CHUNK):
                rows = conn.execute(
                    select(documents.c.doc_id, documents.c.file).where(
                        documents.c.doc_id.in_(ids[i : i + _CHUNK])
                    )
                )
                found.update({doc_id: file for doc_id, file in rows})
        return found

    def save_file_result(self, result: FileResult) -> int:
        """Store a file's result and its documents; returns how many documents were new.

        A changed file (same path, new content) supersedes its earlier version: the old
        version's result goes, and so do its documents unless another file still has them,
        so an edited note is not counted twice.
        """
        new_ids = sorted({d.doc_id for d in result.documents})
        with self._begin() as conn:
            self._drop_superseded(conn, result.file, result.sha256, keep=set(new_ids))
            known: set[str] = set()
            for i in range(0, len(new_ids), _CHUNK):
                chunk = new_ids[i : i + _CHUNK]
                known.update(
                    conn.execute(select(documents.c.doc_id).where(documents.c.doc_id.in_(chunk)))
                    .scalars()
                    .all()
                )
            new = len(new_ids) - len(known)
            if result.documents:  # one statement for all (the first of equal ids wins)
                conn.execute(
                    upsert(conn, documents, None, keys=["doc_id"]),
                    [_document_row(doc) for doc in result.documents],
                )
            conn.execute(
                upsert(
                    conn,
                    file_results,
                    {
                        "path": result.file,
                        "sha256": result.sha256,
                        "source": result.source,
                        "status": result.status,
                        "reason": _text(result.reason),
                        "ingested_at": _now(),
                    },
                    keys=["path", "sha256"],
                    update=["status", "reason", "source"],
                )
            )
            conn.execute(
                file_documents.delete().where(
                    file_documents.c.path == result.file,
                    file_documents.c.sha256 == result.sha256,
                )
            )
            if new_ids:
                conn.execute(
                    file_documents.insert(),
                    [{"path": result.file, "sha256": result.sha256, "doc_id": d} for d in new_ids],
                )
            keys = sorted({k for d in result.documents for k in d.name_keys})
            if keys:
                conn.execute(
                    upsert(conn, person_name_keys, None, keys=["key"]), [{"key": k} for k in keys]
                )
        return new

    def person_name_keys(self) -> frozenset[str]:
        """Every person-name key ingest recorded (see schema.person_name_keys)."""
        with self._engine.connect() as conn:
            return frozenset(conn.execute(select(person_name_keys.c.key)).scalars())

    @staticmethod
    def _drop_superseded(conn: Connection, path: str, sha256: str, keep: set[str]) -> None:
        old = (file_results.c.path == path) & (file_results.c.sha256 != sha256)
        if conn.execute(select(file_results.c.path).where(old).limit(1)).first() is None:
            return
        old_docs = (file_documents.c.path == path) & (file_documents.c.sha256 != sha256)
        candidates = set(conn.execute(select(file_documents.c.doc_id).where(old_docs)).scalars())
        conn.execute(file_documents.delete().where(old_docs))
        conn.execute(file_results.delete().where(old))
        for doc_id in sorted(candidates - keep):
            still_used = conn.execute(
                select(file_documents.c.path).where(file_documents.c.doc_id == doc_id).limit(1)
            ).first()
            if still_used is None:
                conn.execute(documents.delete().where(documents.c.doc_id == doc_id))

    def document_count(self) -> int:
        with self._engine.connect() as conn:
            return conn.execute(select(func.count()).select_from(documents)).scalar_one()

    def iter_documents(
        self, since: date | None = None, until: date | None = None
    ) -> Iterator[Document]:
        """Documents dated within [since, until], in a stable order (date, doc_id)."""
        query = select(documents).order_by(documents.c.date, documents.c.doc_id)
        if since is not None:
            query = query.where(documents.c.date >= since)
        if until is not None:
            query = query.where(documents.c.date <= until)
        with self._engine.connect() as conn:
            for row in conn.execute(query):
                yield document_from_row(row)

    # ------------------------------------------------------------ embeddings
    def get_embeddings(self, model: str, texts: Iterable[str]) -> dict[str, np.ndarray]:
        """Cached vectors for those texts that have one (model name/path is the key)."""
        wanted = list(dict.fromkeys(texts))
        found: dict[str, np.ndarray] = {}
        with self._engine.connect() as conn:
            for i in range(0, len(wanted), _CHUNK):
                rows = conn.execute(
                    select(embeddings.c.text, embeddings.c.vector).where(
                        embeddings.c.model == model, embeddings.c.text.in_(wanted[i : i + _CHUNK])
                    )
                )
                for text, blob in rows:
                    found[text] = np.frombuffer(bytes(blob), dtype=np.float32)
        return found

    def put_embeddings(self, model: str, vectors: dict[str, np.ndarray]) -> None:
        """Add vectors; a text already cached for the model keeps its first vector."""
        rows = [
            {
                "model": model,
                "text": text,
                "dim": int(vec.shape[-1]),
                "vector": np.asarray(vec, dtype=np.float32).tobytes(),
            }
            for text, vec in vectors.items()
        ]
        with self._engine.begin() as conn:
            for i in range(0, len(rows), _CHUNK):
                stmt = upsert(conn, embeddings, None, keys=["model", "text"])
                conn.execute(stmt, rows[i : i + _CHUNK])

    # --------------------------------------------------------- Search Console
    def get_gsc_rows(self, prop: str, start: str, end: str, request_key: str) -> list[dict] | None:
        with self._engine.connect() as conn:
            raw = conn.execute(
                select(gsc_responses.c.rows).where(
                    gsc_responses.c.property == prop,
                    gsc_responses.c.start_date == start,
                    gsc_responses.c.end_date == end,
                    gsc_responses.c.request_key == request_key,
                )
            ).scalar()
        return json.loads(raw) if raw is not None else None

    def gsc_request_keys(self) -> list[str]:
        """Every stored request key, sorted (what was asked of the API so far)."""
        with self._engine.connect() as conn:
            return sorted(set(conn.execute(select(gsc_responses.c.request_key)).scalars()))

    def put_gsc_rows(
        self, prop: str, start: str, end: str, request_key: str, rows: list[dict]
    ) -> None:
        """Store a complete response (all pages); only ever called after the last page."""
        values = {
            "property": prop,
            "start_date": start,
            "end_date": end,
            "request_key": request_key,
            "rows": json.dumps(rows, ensure_ascii=False),
            "fetched_at": _now(),
        }
        with self._engine.begin() as conn:
            conn.execute(
                upsert(
                    conn,
                    gsc_responses,
                    values,
                    keys=["property", "start_date", "end_date", "request_key"],
                    update=["rows", "fetched_at"],
                )
            )

    # --------------------------------------------------------------- clusters
    def load_clusters_before(self, month: str) -> list[KnownCluster]:
        """The snapshot of the latest month before ``month`` (empty if none)."""
        with self._engine.connect() as conn:
            prev = conn.execute(
                select(func.max(cluster_snapshots.c.month)).where(cluster_snapshots.c.month < month)
            ).scalar()
            if prev is None:
                return []
            rows = conn.execute(
                select(cluster_snapshots).where(cluster_snapshots.c.month == prev)
            ).all()
        clusters = [
            KnownCluster(
                cluster_id=r.cluster_id,
                label=r.label,
                centroid=tuple(np.frombuffer(bytes(r.centroid), dtype=np.float32).tolist()),
                members=tuple(json.loads(r.members)),
            )
            for r in rows
        ]
        return sorted(clusters, key=lambda c: c.cluster_id)  # code-point order on every backend

    def all_cluster_ids(self, except_month: str | None = None) -> set[str]:
        """Every id given out in any month (but ``except_month``): new topics must not reuse
        one. Re-running a month leaves out its own earlier snapshot, so it gets the same ids."""
        query = select(cluster_snapshots.c.cluster_id).distinct()
        if except_month is not None:
            query = query.where(cluster_snapshots.c.month != except_month)
        with self._engine.connect() as conn:
            return set(conn.execute(query).scalars())

    def save_clusters(self, month: str, clusters: list[KnownCluster]) -> None:
        """Replace the month's snapshot (re-running a month overwrites, never duplicates)."""
        with self._engine.begin() as conn:
            conn.execute(cluster_snapshots.delete().where(cluster_snapshots.c.month == month))
            if clusters:
                conn.execute(
                    cluster_snapshots.insert(),
                    [
                        {
                            "month": month,
                            "cluster_id": c.cluster_id,
                            "label": c.label,
                            "centroid": np.asarray(c.centroid, dtype=np.float32).tobytes(),
                            "members": json.dumps(list(c.members), ensure_ascii=False),
                        }
                        for c in clusters
                    ],
                )

    def table_counts(self) -> dict[str, int]:
        """Row counts per table (what tests check after a run)."""
        with self._engine.connect() as conn:
            return {
                t.name: conn.execute(select(func.count()).select_from(t)).scalar_one()
                for t in metadata.sorted_tables
            }


def _file_result(row) -> FileResult:
    return FileResult(
        file=row.path,
        source=row.source,
        status=row.status,
        reason=row.reason,
        sha256=row.sha256,
        documents=[],
    )


def _document_row(doc: Document) -> dict:
    return {
        "doc_id": doc.doc_id,
        "source": doc.source,
        "file": _text(doc.file),
        "account": _text(doc.account),
        "date": doc.date,
        "language": doc.language,
        "title": _text(doc.title),
        "segments": json.dumps([[s.role, s.text] for s in doc.segments], ensure_ascii=False),
    }


def document_from_row(row) -> Document:
    """A stored ``documents`` row as the Document it was saved from."""
    return Document(
        doc_id=row.doc_id,
        source=row.source,
        file=row.file,
        account=row.account,
        date=row.date,
        language=row.language,
        title=row.title,
        segments=[Segment(role=r, text=t) for r, t in json.loads(row.segments)],
    )
