"""The upload list: one row per handed-over file (or rejected attempt), per user.

The table and its SQL live in the store (:mod:`kundensprache.store.uploads`); this module is
the upload page's name for them, so the page's code reads ``records.UploadLog(store)``.
"""

from kundensprache.store.uploads import UploadLog, UploadRow, ingest_results

__all__ = ["UploadLog", "UploadRow", "ingest_results"]
