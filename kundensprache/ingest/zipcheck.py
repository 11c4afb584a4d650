"""Checks on .docx/.xlsx packages before a parser expands them.

A .docx or .xlsx is a zip archive; a hostile or broken one can expand to gigabytes (zip bomb)
or be cut off mid-upload. We read only the archive's directory first and refuse what would
not fit the size limit or expands suspiciously far.
"""

from __future__ import annotations

import io
import zipfile

from kundensprache.ingest.errors import Rejected

MAX_RATIO = 200  # typical Office files compress 3-20x; bombs 1000x and more
MAX_ENTRIES = 10_000


def check_zip(data: bytes, kind: str, max_bytes: int) -> None:
    """Raise Rejected if ``data`` is no readable zip or expands too far."""
    if data[:4] == b"\xd0\xcf\x11\xe0":
        old = {".docx": ".doc", ".xlsx": ".xls"}.get(kind, "old Office")
        raise Rejected(
            f"this is an old Office {old} file, not {kind}; save it as {kind} and upload again"
        )
    if not data.startswith(b"PK"):
        raise Rejected(f"corrupt or truncated {kind}: not a zip package")
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        infos = archive.infolist()
    except (zipfile.BadZipFile, ValueError, OSError) as exc:
        raise Rejected(f"corrupt or truncated {kind}: {exc}") from exc
    if len(infos) > MAX_ENTRIES:
        raise Rejected(f"suspected zip bomb: {len(infos)} entries in one {kind}")
    expanded = sum(max(i.file_size, 0) for i in infos)
    compressed = sum(max(i.compress_size, 0) for i in infos) or 1
    limit = max(max_bytes * 5, 50 * 2**20)
    if expanded > limit or (expanded > 10 * 2**20 and expanded / compressed > MAX_RATIO):
        raise Rejected(
            f"suspected zip bomb: {len(data) / 2**20:.1f} MB {kind} would expand to "
            f"{expanded / 2**20:.0f} MB"
        )
    # Reading is bounded by the declared sizes checked above (zipfile stops at file_size).
    try:
        bad = archive.testzip()
    except (zipfile.BadZipFile, OSError, EOFError, NotImplementedError) as exc:
        raise Rejected(f"corrupt or truncated {kind}: {exc}") from exc
    if bad is not None:
        raise Rejected(f"corrupt or truncated {kind}: damaged entry {bad}")
