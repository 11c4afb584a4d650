"""What the upload page's routes call: accept an upload, list a user's uploads with their
status, process a user's waiting files. All state sits in one ``UploadState`` object (kept on
``app.state.upload``), not in closures."""

from __future__ import annotations

import contextlib
import hashlib
import logging
import secrets
import threading
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path

from kundensprache import ingest
from kundensprache.core.config import Config, UploadConfig
from kundensprache.ingest.pseudonyms import redact_path
from kundensprache.ingest.redact import redact
from kundensprache.store.db import Store
from kundensprache.upload import inbox as inbox_files
from kundensprache.upload.auth import SessionStore, SignInThrottle
from kundensprache.upload.records import UploadLog, UploadRow, ingest_results

log = logging.getLogger("kundensprache.upload")


@dataclass
class UploadState:
    config: Config
    store: Store
    owns_store: bool
    secret: str
    cookie_secure: bool
    sessions: SessionStore
    throttle: SignInThrottle = field(default_factory=SignInThrottle)
    process_lock: threading.Lock = field(default_factory=threading.Lock)

    @property
    def settings(self) -> UploadConfig:
        return self.config.upload

    @property
    def inbox(self) -> Path:
        return Path(self.config.paths.inputs)

    @property
    def max_bytes(self) -> int:
        return int(self.settings.max_upload_mb * 1024 * 1024)

    @property
    def uploads(self) -> UploadLog:
        return UploadLog(self.store)


@dataclass
class UploadForm:
    user: str
    batch: str
    values: dict[str, str]  # source, speaker_role, account, date


def over_quota(state: UploadState, user: str, adding: int) -> bool:
    """Would ``adding`` more bytes pass the user's upload quota for the last 24 hours?"""
    quota = state.settings.quota_mb_per_day
    if quota <= 0:
        return False
    since = (inbox_files.now_utc() - timedelta(days=1)).isoformat()
    used = state.uploads.stored_bytes_since(user, since)
    return used + adding > quota * 1024 * 1024


def accept(state: UploadState, form: UploadForm, original: str | None, content, t) -> None:
    """Validate one file (or pasted note: ``original`` None, ``content`` text) with the
    ingest's rules; store it with its sidecar, or record why not."""
    source, values = form.values["source"], form.values
    meta = inbox_files.UploadMeta(
        source=source,
        account=values["account"] or None,
        date=values["date"] or None,
        speaker_role=values["speaker_role"],
        uploaded_by=form.user,
        original_name=original,
        uploaded_at=inbox_files.now_utc().isoformat(),
    )
    if original is None:
        data, extension = inbox_files.pasted_file(content, source, meta)
        name_for_check = "note" + extension
    else:
        data, name_for_check = content, original
        extension = inbox_files.extension_of(original)
    reason = type_problem(source, extension, t) or (t("empty_file") if not data else None)
    if not reason and over_quota(state, form.user, len(data)):
        reason = t("over_quota", mb=f"{state.settings.quota_mb_per_day:g}")
    if not reason:
        try:  # the ingest's own checks: size, binary, decodable, parseable
            reason = ingest.validate_upload(name_for_check, data, source, state.config)
        except Exception:
            log.exception("validation of an upload by %s failed", form.user)
            reason = t("err_500")
    stored_path = None
    if not reason:
        try:
            path = inbox_files.store_upload(state.inbox, meta, data, extension)
            stored_path = path.relative_to(state.inbox).as_posix()
        except (OSError, ValueError):
            log.exception("storing an upload by %s failed", form.user)
            reason = t("store_failed")
    state.uploads.add(  # the upload list is in the store: names in it are redacted too
        batch=form.batch,
        user=form.user,
        source=source,
        original_name=None if original is None else redact_path(original),
        stored_path=stored_path,
        sha256=hashlib.sha256(data).hexdigest(),
        size=len(data),
        account=redact(meta.account) if meta.account else None,
        date=meta.date,
        speaker_role=meta.speaker_role,
        uploaded_at=meta.uploaded_at,
        status="rejected" if reason else "received",
        reason=redact(reason or ""),
    )
    log.info("%s uploaded %s: %s", form.user, stored_path or "-", reason or "received")


def type_problem(source: str, extension: str, t) -> str | None:
    """A wrong file type, in the user's language (the commonest rejection)."""
    allowed = inbox_files.SOURCE_EXTENSIONS[source]
    if extension in allowed:
        return None
    kind, types = t(f"source_{source}"), " ".join(allowed)
    if extension:
        return t("type_not_allowed", ext=extension, kind=kind, types=types)
    return t("no_extension", kind=kind, types=types)


def statuses(state: UploadState, rows: list[UploadRow], t) -> list[tuple[str, str]]:
    """(received | ingested | rejected, reason) of each upload row. A duplicate says only
    that the content is already there, never which (maybe another user's) file holds it."""
    done = ingest_results(state.store, [r.stored_path for r in rows if r.stored_path])
    out = []
    for row in rows:
        if row.status == "rejected" or not row.stored_path:
            out.append(("rejected", row.reason))
        elif row.stored_path in done:
            status, reason = done[row.stored_path]
            if status == "duplicate":
                out.append(("ingested", t("duplicate_content")))
            else:
                out.append(("rejected" if status == "rejected" else "ingested", reason))
        elif row.ingest_status == "rejected":  # e.g. removed from the inbox before a run
            out.append(("rejected", row.ingest_reason))
        elif row.ingest_status == "duplicate":
            out.append(("ingested", t("duplicate_content")))
        else:
            out.append(("received", ""))
    return out


def views(state: UploadState, rows: list[UploadRow], lang: str, t) -> list[dict[str, object]]:
    return [
        {
            "name": (
                t("pasted_note")
                if row.original_name is None
                else row.original_name or t("unnamed_file")
            ),
            "source": t(f"source_{row.source}"),
            "account": row.account or "",
            "uploaded": _local_time(row.uploaded_at, lang),
            "status": status,
            "status_text": t(f"status_{status}"),
            "reason": reason,
        }
        for row, (status, reason) in zip(rows, statuses(state, rows, t), strict=True)
    ]


def waiting(state: UploadState, user: str, t) -> list[UploadRow]:
    """The user's received files that no ingest has handled yet."""
    rows = state.uploads.received(user)
    return [
        r
        for r, (status, _) in zip(rows, statuses(state, rows, t), strict=True)
        if status == "received"
    ]


def process_pending(state: UploadState, user: str, t) -> str:
    """Ingest the user's received files now; returns the run id for the result notice."""
    run = secrets.token_hex(8)
    with state.process_lock:
        todo: list[tuple[UploadRow, Path]] = []
        for row in waiting(state, user, t):
            path = state.inbox / row.stored_path
            if path.is_file():
                todo.append((row, path))
            else:
                state.uploads.mark_run(row.id, run, "rejected", t("file_gone"))
        if not todo:
            return run
        results = ingest.ingest_paths(
            [(path, row.source) for row, path in todo], state.store, state.config, inbox=state.inbox
        )
        by_file = {_relative(r.file, state.inbox): r for r in results}
        for i, (row, _path) in enumerate(todo):
            result = by_file.get(row.stored_path)
            if result is None and len(results) == len(todo):
                result = results[i]
            if result is None:
                continue
            reason = t("duplicate_content") if result.status == "duplicate" else result.reason
            state.uploads.mark_run(row.id, run, result.status, reason)
    log.info("%s processed %d file(s)", user, len(todo))
    return run


def _relative(file: str, inbox: Path) -> str:
    path = Path(file)
    if path.is_absolute():
        with contextlib.suppress(ValueError):
            return path.relative_to(inbox).as_posix()
    return path.as_posix()


def _local_time(iso: str, lang: str) -> str:
    try:
        moment = datetime.fromisoformat(iso).astimezone()
    except ValueError:
        return iso
    return moment.strftime("%d.%m.%Y %H:%M" if lang == "de" else "%Y-%m-%d %H:%M")
