"""read_file / ingest_paths / ingest_inbox / validate_upload: the ingest stage's entry points;
read_paths / store_read: the same in two steps, for reading files in parallel.

A bad file never raises: it becomes a "rejected" FileResult with a reason, and the files
beside it are ingested. User files are only ever read (never moved, changed or deleted).
"""

from __future__ import annotations

import hashlib
import json
import os
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from kundensprache.core.config import Config
from kundensprache.core.models import Document, FileResult
from kundensprache.core.sources import ROLES, SOURCE_EXTENSIONS, SOURCES
from kundensprache.ingest.calls import NoteContext, read_call
from kundensprache.ingest.crm import read_crm
from kundensprache.ingest.discover import SIDECAR_SUFFIX, discover, is_outside
from kundensprache.ingest.documents import Draft, build_document
from kundensprache.ingest.emails import EmailContext, read_email
from kundensprache.ingest.errors import Rejected
from kundensprache.ingest.name_gate import mask_known_names
from kundensprache.ingest.pseudonyms import redact_path
from kundensprache.ingest.redact import redact
from kundensprache.store import Store

SUFFIXES = SOURCE_EXTENSIONS  # per source, from the one table (core.sources)
_CHUNK = 1 << 20

Progress = Callable[[int, int, str], None]


@dataclass
class _Loaded:
    """A file read from disk (or refused before parsing)."""

    rel: str
    sha256: str
    data: bytes | None = None
    reason: str = ""  # set when the file is refused before parsing
    mtime: date | None = None
    meta: dict = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)


# --------------------------------------------------------------------------- public
def read_file(path: Path, source: str, config: Config, *, inbox: Path | None = None) -> FileResult:
    """Read and redact one file into documents; bad input gives status "rejected"."""
    return _result(_load(Path(path), source, config, inbox), Path(path).name, source, config)


SHARD_FILES = 200  # files read, then stored, together: memory stays bounded


@dataclass
class ReadFile:
    """A file as read for ingest: ``new`` (the result carries its documents, to be stored)
    or unchanged since it was stored (the stored result, with ``document_count``)."""

    result: FileResult
    new: bool


def ingest_paths(
    paths: Iterable[tuple[Path, str]],
    store: Store,
    config: Config,
    *,
    inbox: Path | None = None,
    progress: Progress | None = None,
) -> list[FileResult]:
    """Ingest files into the store, incrementally; one result per path, in input order.

    Unchanged files (same relative path and content hash) are not re-read and keep their
    stored result. Results carry ``document_count`` but no ``documents`` (they are in the
    store), so memory stays flat and a re-run returns equal results.
    """
    items = [(Path(p), s) for p, s in paths]
    results: list[FileResult] = []
    for start in range(0, len(items), SHARD_FILES):

        def shifted(n: int, _total: int, name: str, start: int = start) -> None:
            if progress is not None:
                progress(start + n, len(items), name)

        read = read_paths(items[start : start + SHARD_FILES], store, config, inbox=inbox)
        results.extend(store_read(read, store, progress=shifted))
    return results


def read_paths(
    paths: Iterable[tuple[Path, str]], store: Store, config: Config, *, inbox: Path | None = None
) -> list[ReadFile]:
    """Read and redact the files that are new or changed; writes nothing. Files of one
    batch can be read anywhere (another process, another machine) and stored later."""
    items = [(Path(p), s) for p, s in paths]
    known = store.stored_files(_display(p, inbox) for p, _ in items)
    out = []
    for path, source in items:
        loaded = _load(path, source, config, inbox)
        stored = known.get((loaded.rel, loaded.sha256))
        if stored is not None:
            out.append(ReadFile(stored, new=False))
        else:
            out.append(ReadFile(_result(loaded, path.name, source, config), new=True))
    return out


def store_read(
    read: Iterable[ReadFile], store: Store, progress: Progress | None = None
) -> list[FileResult]:
    """Store what was read, in order: a file whose documents are already stored from an
    earlier file is a duplicate, so storing in the same order gives the same report."""
    read = list(read)
    new_docs = [d for item in read if item.new for d in item.result.documents]
    known = store.person_name_keys() | {k for d in new_docs for k in d.name_keys}
    mask_known_names(new_docs, known)  # names known from elsewhere in the corpus
    results = []
    with store.batch():  # one commit for the batch
        for n, item in enumerate(read, 1):
            result = item.result
            if item.new:
                if result.status == "accepted":
                    _mark_duplicates(result, store)
                store.save_file_result(result)
                result.document_count = len(result.documents)
                result.documents = []
            if progress is not None:
                progress(n, len(read), result.file)
            results.append(result)
    return results


def ingest_inbox(
    inbox: Path, store: Store, config: Config, progress: Progress | None = None
) -> list[FileResult]:
    """Everything under inbox/calls, inbox/crm and inbox/emails."""
    return ingest_paths(discover(Path(inbox)), store, config, inbox=Path(inbox), progress=progress)


def validate_upload(filename: str, data: bytes, source: str, config: Config) -> str | None:
    """The rejection reason read_file would give these bytes, or None if they are fine."""
    name = os.path.basename(filename.replace("\\", "/"))
    reason = _precheck(name, source, len(data), config)
    if reason:
        return reason
    result = _result(
        _Loaded(rel=name, sha256=hashlib.sha256(data).hexdigest(), data=data, mtime=date.today()),
        name,
        source,
        config,
    )
    return result.reason if result.status == "rejected" else None


# --------------------------------------------------------------------------- loading
def _display(path: Path, inbox: Path | None) -> str:
    """Inbox-relative posix path; undecodable bytes in names shown as U+FFFD."""
    shown = path
    if inbox is not None:
        try:
            shown = Path(os.path.abspath(path)).relative_to(os.path.abspath(inbox))
        except ValueError:
            shown = path
    text = shown.as_posix()
    # Names in file names (anruf_mueller.txt) become stable pseudonyms: this path is what
    # the store, the ingest report and the upload list keep.
    return redact_path(text.encode("utf-8", "surrogateescape").decode("utf-8", "replace"))


def _precheck(name: str, source: str, size: int, config: Config) -> str:
    if source not in SOURCES:
        return f"unknown source {source!r} (expected one of {', '.join(SOURCES)})"
    suffix = os.path.splitext(name)[1].lower()
    if suffix not in SUFFIXES[source]:
        shown = f"'{suffix}'" if suffix else "(no extension)"
        return (
            f"unsupported file type {shown} for {source} (expected {', '.join(SUFFIXES[source])})"
        )
    limit = config.ingest.max_file_mb * 2**20
    if size > limit:
        return (
            f"file too large: {size / 2**20:.1f} MB, the limit is "
            f"{config.ingest.max_file_mb:g} MB ([ingest] max_file_mb)"
        )
    if size == 0:
        return "empty file"
    return ""


def _load(path: Path, source: str, config: Config, inbox: Path | None) -> _Loaded:
    rel = _display(path, inbox)
    if inbox is not None and path.is_symlink() and is_outside(path, Path(inbox)):
        target = os.readlink(path)
        digest = hashlib.sha256(b"symlink:" + os.fsencode(target)).hexdigest()
        return _Loaded(rel, digest, reason="symlink pointing outside the inbox; not read")
    try:
        st = path.stat()
    except FileNotFoundError:
        return _Loaded(rel, "", reason="file not found (removed or a broken link)")
    except OSError as exc:
        return _Loaded(rel, "", reason=f"cannot read file: {exc.strerror or exc}")
    if not path.is_file():
        return _Loaded(rel, "", reason="not a regular file")
    loaded = _Loaded(rel, "", mtime=date.fromtimestamp(st.st_mtime))
    loaded.reason = _precheck(path.name, source, st.st_size, config)
    digest = hashlib.sha256()
    try:
        with open(path, "rb") as handle:
            if loaded.reason:  # hash only, in chunks: the file may be huge
                for chunk in iter(lambda: handle.read(_CHUNK), b""):
                    digest.update(chunk)
            else:
                loaded.data = handle.read()
                digest.update(loaded.data)
    except OSError as exc:
        return _Loaded(rel, "", reason=f"cannot read file: {exc.strerror or exc}")
    meta_path = path.with_name(path.name + SIDECAR_SUFFIX)
    if meta_path.is_file() and not (inbox is not None and is_outside(meta_path, Path(inbox))):
        try:
            raw = meta_path.read_bytes()
            digest.update(b"\0meta\0" + raw)  # a corrected sidecar re-reads the file
            meta = json.loads(raw.decode("utf-8-sig"))
            if not isinstance(meta, dict):
                raise ValueError("not a JSON object")
            loaded.meta = meta
        except (OSError, ValueError) as exc:
            loaded.notes.append(f"sidecar {meta_path.name} ignored ({exc})")
    loaded.sha256 = digest.hexdigest()
    return loaded


# --------------------------------------------------------------------------- parsing
def _result(loaded: _Loaded, name: str, source: str, config: Config) -> FileResult:
    result = FileResult(file=loaded.rel, source=source, status="rejected", sha256=loaded.sha256)
    if loaded.reason or loaded.data is None:
        result.reason = loaded.reason or "file could not be read"
        return result
    try:
        drafts, notes = _parse(loaded.data, name, source, config, loaded.meta)
    except Rejected as exc:
        result.reason = redact(str(exc))  # a reason may quote a row of the file
        return result
    except Exception as exc:  # a reader bug must not stop the run; report it
        result.reason = redact(f"could not read file: {type(exc).__name__}: {exc}")
        return result
    docs = _documents(drafts, source, loaded, config)
    if not docs:
        result.reason = "no text found" if source != "email" else "email has no body text"
        return result
    unique: dict[str, Document] = {}
    for doc in docs:
        unique.setdefault(doc.doc_id, doc)
    if len(unique) < len(docs):
        notes.append(f"{len(docs) - len(unique)} repeated document(s) in the file counted once")
    result.status = "accepted"
    result.documents = list(unique.values())
    result.document_count = len(result.documents)
    result.reason = redact("; ".join([*loaded.notes, *notes]))
    return result


def _parse(
    data: bytes, name: str, source: str, config: Config, meta: dict
) -> tuple[list[Draft], list[str]]:
    max_bytes = int(config.ingest.max_file_mb * 2**20)
    role = meta.get("speaker_role")
    if source == "call":
        default = role if role in ROLES else config.ingest.default_note_role
        ctx = NoteContext(people=list(config.company.people), default_role=default)
        return [read_call(data, name, ctx, max_bytes)], []
    if source == "crm":
        found = read_crm(
            data, name, config.ingest.crm_preset, dict(config.ingest.crm_columns), max_bytes
        )
        return found.drafts, found.notes
    ctx_mail = EmailContext(
        domains=list(config.company.domains),
        people=list(config.company.people),
        default_role=role if role in ROLES else "unknown",
    )
    mail = read_email(data, name, ctx_mail)
    return mail.drafts, mail.notes


def _documents(drafts: list[Draft], source: str, loaded: _Loaded, config: Config) -> list[Document]:
    return [doc for doc, _ in documents_with_dates(drafts, source, loaded, config)]


def documents_with_dates(
    drafts: list[Draft], source: str, loaded: _Loaded, config: Config
) -> list[tuple[Document, str]]:
    """Documents and where each one's date came from: its own (a date column, a Date:
    header, a Datum: line, the file name), the upload's sidecar, or the file's mtime."""
    names = set(config.company.people)
    uploader = loaded.meta.get("uploaded_by")
    if isinstance(uploader, str) and uploader.strip():
        names.add(uploader)
    meta_date = None
    if isinstance(loaded.meta.get("date"), str):
        try:
            meta_date = date.fromisoformat(loaded.meta["date"])
        except ValueError:
            loaded.notes.append(f"sidecar date {loaded.meta['date']!r} ignored (not YYYY-MM-DD)")
    meta_account = (
        loaded.meta.get("account") if isinstance(loaded.meta.get("account"), str) else None
    )
    docs = []
    for draft in drafts:
        origin = "the file's own" if draft.date else "the upload's" if meta_date else "mtime"
        draft.date = draft.date or meta_date or loaded.mtime
        draft.account = draft.account or meta_account
        doc = build_document(draft, source, loaded.rel, names)
        if doc is not None:
            docs.append((doc, origin))
    by_mtime = sum(origin == "mtime" for _, origin in docs)
    if by_mtime:
        loaded.notes.append(
            f"{by_mtime} document(s) without a date of their own, "
            "dated by the file's modification time"
        )
    return docs


# --------------------------------------------------------------------------- dedupe
def _mark_duplicates(result: FileResult, store: Store) -> None:
    """Documents already stored from another file are not new; all old -> "duplicate"."""
    ids = [d.doc_id for d in result.documents]
    owners = {
        doc_id: file for doc_id, file in store.document_files(ids).items() if file != result.file
    }
    if not owners:
        return
    other, _ = Counter(owners.values()).most_common(1)[0]
    if len(owners) == len(ids):
        result.status = "duplicate"
        n = len(ids)
        what = "same content as" if n == 1 else f"all {n} documents already stored from"
        result.reason = "; ".join(filter(None, [f"{what} {other}", result.reason]))
    else:
        note = f"{len(owners)} of {len(ids)} documents already stored from {other}"
        if len(set(owners.values())) > 1:
            note += " and other files"
        result.reason = "; ".join(filter(None, [result.reason, note]))
