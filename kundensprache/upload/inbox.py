"""Writing uploads into the inbox: generated names, atomic, never overwriting.

The client's file name is only ever kept as text for display and in the sidecar; the path
is always ``<inbox>/<folder>/<UTC time>_<random>.<ext>`` with an extension from a fixed
list. Each file gets a sidecar ``<stored name>.meta.json`` that the ingest reads (source,
account, date, speaker role, who uploaded it, the original name).

Order matters: the sidecar is written first and claims the name (a hard link fails if the
name exists), then the data file is linked in. Readers therefore never see a data file
without its metadata or a half-written file, and two uploads of ``notes.txt`` at the same
moment get two different names.
"""

from __future__ import annotations

import csv
import io
import json
import os
import re
import secrets
import unicodedata
from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from email.message import EmailMessage
from email.utils import format_datetime
from pathlib import Path

from kundensprache.core.sources import (  # noqa: F401 (names the upload app reads from here)
    EXTENSIONS,
    ROLES,
    SIDECAR_SUFFIX,
    SOURCE_EXTENSIONS,
    SOURCE_FOLDERS,
)

# Folders, file types per source, roles and the sidecar suffix: the one table in core.sources.
# Which type a source really accepts is the ingest validation's call
# (ingest.validate_upload); the extensions only bound what reaches the disk and feed the
# hints on the page.
MAX_NAME_CHARS = 120
_HEADER_LINE = re.compile(r"^(From|To|Cc|Subject|Date|Message-ID|Reply-To):[ \t]", re.I)


@dataclass(frozen=True)
class UploadMeta:
    """What the sidecar says about an uploaded file (the ingest reads it)."""

    source: str
    account: str | None
    date: str | None  # YYYY-MM-DD or None
    speaker_role: str
    uploaded_by: str
    original_name: str | None  # None for a pasted note
    uploaded_at: str  # ISO 8601, UTC

    def to_json(self) -> str:
        return json.dumps(
            {
                "source": self.source,
                "account": self.account,
                "date": self.date,
                "speaker_role": self.speaker_role,
                "uploaded_by": self.uploaded_by,
                "original_name": self.original_name,
                "uploaded_at": self.uploaded_at,
            },
            ensure_ascii=False,
            indent=2,
        )


def display_name(client_name: str | None) -> str:
    """The client's file name reduced to a harmless label: last path part, no control
    characters, at most MAX_NAME_CHARS (keeping the extension). Never used as a path."""
    name = (client_name or "").replace("\\", "/").split("/")[-1]
    name = "".join(ch for ch in name if unicodedata.category(ch)[0] != "C").strip()
    name = name.strip(". ") or ""
    if len(name) > MAX_NAME_CHARS:
        stem, dot, ext = name.rpartition(".")
        keep = ("." + ext) if dot and len(ext) <= 10 else ""
        name = name[: MAX_NAME_CHARS - len(keep) - 1] + "…" + keep
    return name


def extension_of(name: str) -> str:
    """Lower-case extension (with dot) of a display name, or "" when there is none."""
    match = re.search(r"(\.[A-Za-z0-9]{1,10})$", name)
    return match.group(1).lower() if match else ""


def now_utc() -> datetime:
    return datetime.now(UTC).replace(microsecond=0)


def pasted_file(text: str, source: str, meta: UploadMeta) -> tuple[bytes, str]:
    """A pasted note as the file the ingest expects for its source: (content, extension).

    A call note is plain text. A CRM note becomes a one-row generic CRM CSV (text, account,
    date). An email pasted with its headers is kept as it is; a pasted body gets a minimal
    header (Date) so it reads as an email.
    """
    if source == "call":
        return text.encode("utf-8"), ".txt"
    if source == "crm":
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(["date", "account", "text"])
        writer.writerow([meta.date or "", meta.account or "", text])
        return out.getvalue().encode("utf-8"), ".csv"
    if source == "email":
        lines = text.lstrip().splitlines()
        if lines and _HEADER_LINE.match(lines[0]):
            return text.lstrip().encode("utf-8"), ".eml"
        message = EmailMessage()
        when = datetime.fromisoformat(meta.uploaded_at)
        if meta.date:
            when = datetime.combine(date.fromisoformat(meta.date), time(12), tzinfo=UTC)
        message["Date"] = format_datetime(when)
        message.set_content(text)
        return message.as_bytes(), ".eml"
    raise ValueError(f"unknown source {source!r}")


def store_upload(inbox: Path, meta: UploadMeta, data: bytes, extension: str) -> Path:
    """Write ``data`` and its sidecar into the source's folder; returns the data file's path.

    Raises ValueError for a source or extension outside the fixed lists, OSError when the
    disk refuses (the caller reports it; nothing half-written is left behind).
    """
    if meta.source not in SOURCE_FOLDERS:
        raise ValueError(f"unknown source {meta.source!r}")
    if extension not in EXTENSIONS:
        raise ValueError(f"extension {extension!r} is not allowed")
    folder = Path(inbox) / SOURCE_FOLDERS[meta.source]
    folder.mkdir(parents=True, exist_ok=True)
    stamp = datetime.fromisoformat(meta.uploaded_at).astimezone(UTC).strftime("%Y-%m-%dT%H%M%S")
    data_tmp = _write_temp(folder, data)
    meta_tmp = _write_temp(folder, meta.to_json().encode("utf-8"))
    try:
        for _ in range(100):
            name = f"{stamp}_{secrets.token_hex(4)}{extension}"
            target = folder / name
            sidecar = folder / (name + SIDECAR_SUFFIX)
            if target.exists() or not _link_exclusive(meta_tmp, sidecar):
                continue  # name taken: draw another
            if _link_exclusive(data_tmp, target):
                return target
            sidecar.unlink(missing_ok=True)  # a stray data file without sidecar: keep it
        raise OSError(f"{folder}: no free file name found")
    finally:
        data_tmp.unlink(missing_ok=True)
        meta_tmp.unlink(missing_ok=True)


def _write_temp(folder: Path, data: bytes) -> Path:
    """A fully written, synced temp file in ``folder`` (hidden, ``.tmp``: the ingest skips it)."""
    path = folder / f".upload-{secrets.token_hex(8)}.tmp"
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o640)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
    except BaseException:
        path.unlink(missing_ok=True)
        raise
    return path


def _link_exclusive(source: Path, target: Path) -> bool:
    """Give ``source``'s content the name ``target`` unless it exists; True on success.

    A hard link is atomic and fails on an existing name. Where the file system has no hard
    links, an O_EXCL create claims the name and os.replace then swaps in the full content.
    """
    try:
        os.link(source, target)
        return True
    except FileExistsError:
        return False
    except OSError:
        pass
    try:
        os.close(os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o640))
    except FileExistsError:
        return False
    copy = source.with_name(source.name + ".copy")
    copy.write_bytes(source.read_bytes())
    os.replace(copy, target)
    return True
