"""The SQLite store (SQLAlchemy): documents, ingest results, caches, cluster snapshots."""

from kundensprache.store.db import Store

__all__ = ["Store"]
