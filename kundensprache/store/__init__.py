"""The store (SQLAlchemy; SQLite file or PostgreSQL): documents, ingest results, caches,
cluster snapshots, the upload list. All the project's SQL lives in this package."""

from kundensprache.store.connect import StoreURLError
from kundensprache.store.db import Store

__all__ = ["Store", "StoreURLError"]
