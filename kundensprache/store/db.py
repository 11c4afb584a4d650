"""The store: one SQLite file (through SQLAlchemy) in the configured working folder.

It holds redacted documents (never raw input), per-file ingest results (so unchanged files
are skipped by content hash), the embedding cache, raw Search Console responses and the
cluster snapshots behind stable topic ids. Re-running a month adds no rows: every insert is
keyed by content.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from datetime import UTC, date, datetime
from pathlib import Path

import numpy as np
from sqlalchemy import (
    Column,
    Date,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Table,
    Text,
    create_engine,
    event,
    func,
    select,
)
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from kundensprache.core.models import Document, FileResult, KnownCluster, QueryRow, Segment

metadata = MetaData()

file_results = Table(
    "file_results",
    metadata,
    Column("path", Text, primary_key=True),
    Column("sha256", String(64), primary_key=True),
    Column("source", String(16), nullable=False),
    Column("status", String(16), nullable=False),
    Column("reason", Text, nullable=False, default=""),
    Column("doc_ids", Text, nullable=False, default="[]"),  # JSON list
    Column("ingested_at", String(32), nullable=False),
)

documents = Table(
    "documents",
    metadata,
    Column("doc_id", String(64), primary_key=True),
    Column("source", String(16), nullable=False),
    Column("file", Text, nullable=False),
    Column("account", Text),
    Column("date", Date),
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


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


class Store:
    """Thin, explicit access to the SQLite store. One instance per process."""

    def __init__(self, path: Path | str):
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self.engine = create_engine(f"sqlite:///{self.path}", future=True)

        @event.listens_for(self.engine, "connect")
        def _pragmas(dbapi_conn, _record):  # WAL: the upload app and a flow may run at once
            cur = dbapi_conn.cursor()
            cur.execute("PRAGMA journal_mode=WAL")
            cur.execute("PRAGMA synchronous=NORMAL")  # safe with WAL; halves ingest time
            cur.execute("PRAGMA busy_timeout=30000")
            cur.close()

        metadata.create_all(self.engine)

    def close(self) -> None:
        self.engine.dispose()

    # ---------------------------------------------------------------- ingest
    def file_result(self, path: str, sha256: str) -> FileResult | None:
        """The stored result for this exact file content, or None if never ingested."""
        with self.engine.connect() as conn:
            row = conn.execute(
                select(file_results).where(
                    file_results.c.path == path, file_results.c.sha256 == sha256
                )
            ).first()
        if row is None:
            return None
        return FileResult(
            file=row.path,
            source=row.source,
            status=row.status,
            reason=row.reason,
            sha256=row.sha256,
            documents=[],
        )

    def file_doc_ids(self, path: str, sha256: str) -> list[str]:
        with self.engine.connect() as conn:
            raw = conn.execute(
                select(file_results.c.doc_ids).where(
                    file_results.c.path == path, file_results.c.sha256 == sha256
                )
            ).scalar()
        return json.loads(raw) if raw else []

    def save_file_result(self, result: FileResult) -> int:
        """Store a file's result and its documents; returns how many documents were new.

        A changed file (same path, new content) supersedes its earlier version: the old
        version's result goes, and so do its documents unless another file still has them,
        so an edited note is not counted twice.
        """
        new = 0
        new_ids = {d.doc_id for d in result.documents}
        with self.engine.begin() as conn:
            self._drop_superseded(conn, result.file, result.sha256, keep=new_ids)
            for doc in result.documents:
                stmt = sqlite_insert(documents).values(
                    doc_id=doc.doc_id,
                    source=doc.source,
                    file=doc.file,
                    account=doc.account,
                    date=doc.date,
                    language=doc.language,
                    title=doc.title,
                    segments=json.dumps(
                        [[s.role, s.text] for s in doc.segments], ensure_ascii=False
                    ),
                )
                new += conn.execute(stmt.on_conflict_do_nothing()).rowcount
            stmt = sqlite_insert(file_results).values(
                path=result.file,
                sha256=result.sha256,
                source=result.source,
                status=result.status,
                reason=result.reason,
                doc_ids=json.dumps([d.doc_id for d in result.documents]),
                ingested_at=_now(),
            )
            conn.execute(
                stmt.on_conflict_do_update(
                    index_elements=["path", "sha256"],
                    set_={
                        "status": result.status,
                        "reason": result.reason,
                        "source": result.source,
                        "doc_ids": stmt.excluded.doc_ids,
                    },
                )
            )
        return new

    @staticmethod
    def _drop_superseded(conn, path: str, sha256: str, keep: set[str]) -> None:
        old = conn.execute(
            select(file_results.c.sha256, file_results.c.doc_ids).where(
                file_results.c.path == path, file_results.c.sha256 != sha256
            )
        ).all()
        if not old:
            return
        conn.execute(
            file_results.delete().where(
                file_results.c.path == path, file_results.c.sha256 != sha256
            )
        )
        candidates = {d for _, raw in old for d in json.loads(raw)} - keep
        for doc_id in sorted(candidates):
            still_used = conn.execute(
                select(file_results.c.path)
                .where(file_results.c.doc_ids.contains(f'"{doc_id}"'))
                .limit(1)
            ).first()
            if still_used is None:
                conn.execute(documents.delete().where(documents.c.doc_id == doc_id))

    def document_count(self) -> int:
        with self.engine.connect() as conn:
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
        with self.engine.connect() as conn:
            for row in conn.execute(query):
                yield Document(
                    doc_id=row.doc_id,
                    source=row.source,
                    file=row.file,
                    account=row.account,
                    date=row.date,
                    language=row.language,
                    title=row.title,
                    segments=[Segment(role=r, text=t) for r, t in json.loads(row.segments)],
                )

    # ------------------------------------------------------------ embeddings
    def get_embeddings(self, model: str, texts: Iterable[str]) -> dict[str, np.ndarray]:
        """Cached vectors for those texts that have one (model name/path is the key)."""
        wanted = list(dict.fromkeys(texts))
        found: dict[str, np.ndarray] = {}
        with self.engine.connect() as conn:
            for i in range(0, len(wanted), 500):
                chunk = wanted[i : i + 500]
                rows = conn.execute(
                    select(embeddings.c.text, embeddings.c.vector).where(
                        embeddings.c.model == model, embeddings.c.text.in_(chunk)
                    )
                )
                for text, blob in rows:
                    found[text] = np.frombuffer(blob, dtype=np.float32)
        return found

    def put_embeddings(self, model: str, vectors: dict[str, np.ndarray]) -> None:
        rows = [
            {
                "model": model,
                "text": text,
                "dim": int(vec.shape[-1]),
                "vector": np.asarray(vec, dtype=np.float32).tobytes(),
            }
            for text, vec in vectors.items()
        ]
        if not rows:
            return
        with self.engine.begin() as conn:
            for i in range(0, len(rows), 500):
                conn.execute(sqlite_insert(embeddings).on_conflict_do_nothing(), rows[i : i + 500])

    # --------------------------------------------------------- Search Console
    def get_gsc_rows(self, prop: str, start: str, end: str, request_key: str) -> list[dict] | None:
        with self.engine.connect() as conn:
            raw = conn.execute(
                select(gsc_responses.c.rows).where(
                    gsc_responses.c.property == prop,
                    gsc_responses.c.start_date == start,
                    gsc_responses.c.end_date == end,
                    gsc_responses.c.request_key == request_key,
                )
            ).scalar()
        return json.loads(raw) if raw is not None else None

    def put_gsc_rows(
        self, prop: str, start: str, end: str, request_key: str, rows: list[dict]
    ) -> None:
        """Store a complete response (all pages); only ever called after the last page."""
        stmt = sqlite_insert(gsc_responses).values(
            property=prop,
            start_date=start,
            end_date=end,
            request_key=request_key,
            rows=json.dumps(rows, ensure_ascii=False),
            fetched_at=_now(),
        )
        with self.engine.begin() as conn:
            conn.execute(
                stmt.on_conflict_do_update(
                    index_elements=["property", "start_date", "end_date", "request_key"],
                    set_={"rows": stmt.excluded.rows, "fetched_at": stmt.excluded.fetched_at},
                )
            )

    # --------------------------------------------------------------- clusters
    def load_clusters_before(self, month: str) -> list[KnownCluster]:
        """The snapshot of the latest month before ``month`` (empty if none)."""
        with self.engine.connect() as conn:
            prev = conn.execute(
                select(func.max(cluster_snapshots.c.month)).where(cluster_snapshots.c.month < month)
            ).scalar()
            if prev is None:
                return []
            rows = conn.execute(
                select(cluster_snapshots)
                .where(cluster_snapshots.c.month == prev)
                .order_by(cluster_snapshots.c.cluster_id)
            ).all()
        return [
            KnownCluster(
                cluster_id=r.cluster_id,
                label=r.label,
                centroid=tuple(np.frombuffer(r.centroid, dtype=np.float32).tolist()),
                members=tuple(json.loads(r.members)),
            )
            for r in rows
        ]

    def all_cluster_ids(self, except_month: str | None = None) -> set[str]:
        """Every id given out in any month (but ``except_month``): new topics must not reuse
        one. Re-running a month leaves out its own earlier snapshot, so it gets the same ids."""
        query = select(cluster_snapshots.c.cluster_id).distinct()
        if except_month is not None:
            query = query.where(cluster_snapshots.c.month != except_month)
        with self.engine.connect() as conn:
            return set(conn.execute(query).scalars())

    def save_clusters(self, month: str, clusters: list[KnownCluster]) -> None:
        """Replace the month's snapshot (re-running a month overwrites, never duplicates)."""
        with self.engine.begin() as conn:
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
        with self.engine.connect() as conn:
            return {
                t.name: conn.execute(select(func.count()).select_from(t)).scalar_one()
                for t in metadata.sorted_tables
            }


def query_rows_from_api(rows: list[dict]) -> list[QueryRow]:
    """API rows (keys = [query, page]) -> QueryRow."""
    out = []
    for r in rows:
        keys = r.get("keys") or []
        out.append(
            QueryRow(
                query=keys[0] if keys else "",
                page=keys[1] if len(keys) > 1 else "",
                clicks=int(r.get("clicks", 0)),
                impressions=int(r.get("impressions", 0)),
                ctr=float(r.get("ctr", 0.0)),
                position=float(r.get("position", 0.0)),
            )
        )
    return out
