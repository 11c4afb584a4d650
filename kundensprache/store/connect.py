"""Opening the database (SQLite file or PostgreSQL URL) and the one dialect-specific bit of
SQL, the upsert. Everything else in the store is plain SQLAlchemy Core."""

from __future__ import annotations

import json
from pathlib import Path

from sqlalchemy import create_engine, event, inspect, text
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Connection, Engine, make_url
from sqlalchemy.exc import ArgumentError
from sqlalchemy.sql.expression import Insert

from kundensprache.core.config import ConfigError
from kundensprache.store.schema import file_documents, metadata

SUPPORTED = ("sqlite", "postgresql")


class StoreURLError(ConfigError):
    """A ``[store] url`` that names no database we can use."""


def connect(target: Path | str) -> Engine:
    """An engine with every table in place. ``target``: a URL, or a SQLite file's path."""
    text_target = str(target)
    if "://" not in text_target:
        path = Path(text_target)
        path.parent.mkdir(parents=True, exist_ok=True)
        text_target = f"sqlite:///{path}"
    try:
        url = make_url(text_target)
    except ArgumentError as exc:
        raise StoreURLError(f"[store] url: not a database URL: {exc}") from exc
    if url.get_backend_name() not in SUPPORTED:
        raise StoreURLError(
            f"[store] url: {url.get_backend_name()!r} is not supported "
            "(use an empty url for SQLite, or postgresql+psycopg://user@host/db)"
        )
    if url.get_backend_name() == "sqlite":
        if url.database:
            Path(url.database).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url)
        event.listen(engine, "connect", _sqlite_pragmas)
    else:
        engine = create_engine(url, pool_pre_ping=True)
    with engine.begin() as conn:
        _migrate(conn)
        metadata.create_all(conn)
    return engine


def display_url(engine: Engine) -> str:
    """The URL with any password hidden (for logs and messages)."""
    return engine.url.render_as_string(hide_password=True)


def _sqlite_pragmas(dbapi_conn, _record) -> None:
    """WAL: the upload page, a flow and its task workers may write at once."""
    cur = dbapi_conn.cursor()
    cur.execute("PRAGMA journal_mode=WAL")
    cur.execute("PRAGMA synchronous=NORMAL")  # safe with WAL; halves ingest time
    cur.execute("PRAGMA busy_timeout=30000")
    cur.close()


def upsert(
    conn: Connection,
    table,
    values: dict | None,
    keys: list[str],
    update: list[str] | None = None,
) -> Insert:
    """INSERT … ON CONFLICT (keys) DO NOTHING, or DO UPDATE the ``update`` columns.

    ``values`` None: the statement takes its rows from ``execute``'s parameters.
    """
    dialect = sqlite if conn.dialect.name == "sqlite" else postgresql
    stmt = dialect.insert(table)
    if values is not None:
        stmt = stmt.values(**values)
    if not update:
        return stmt.on_conflict_do_nothing(index_elements=keys)
    return stmt.on_conflict_do_update(
        index_elements=keys, set_={c: stmt.excluded[c] for c in update}
    )


def _migrate(conn: Connection) -> None:
    """Stores written before per-file document ids were rows: move the JSON list into
    ``file_documents`` and drop the old column."""
    tables = inspect(conn).get_table_names()
    if "file_results" not in tables:
        return
    columns = {c["name"] for c in inspect(conn).get_columns("file_results")}
    if "doc_ids" not in columns:
        return
    file_documents.create(conn, checkfirst=True)
    rows = conn.execute(text("SELECT path, sha256, doc_ids FROM file_results")).all()
    links = sorted({(p, s, d) for p, s, raw in rows for d in json.loads(raw or "[]")})
    if links:
        conn.execute(
            file_documents.insert(),
            [{"path": p, "sha256": s, "doc_id": d} for p, s, d in links],
        )
    conn.execute(text("ALTER TABLE file_results DROP COLUMN doc_ids"))
