"""The upload page: sign in, hand over files or a pasted note, see their status, process now.

Server-rendered HTML (Jinja2), no JavaScript needed (a small script adds drag and drop).
Every form carries a CSRF token bound to the signed session cookie; every page but the
sign-in page needs a signed-in user from ``[upload] users``; errors are answered with a
short page in the user's language and logged on the server, never with a stack trace.
"""

from __future__ import annotations

import contextlib
import hashlib
import hmac
import logging
import secrets
import threading
import time
from collections import defaultdict, deque
from collections.abc import AsyncIterator
from datetime import date, datetime
from pathlib import Path

import jinja2
from fastapi import FastAPI, Request
from fastapi.staticfiles import StaticFiles
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import FormData, UploadFile
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.middleware.sessions import SessionMiddleware
from starlette.responses import HTMLResponse, RedirectResponse, Response
from starlette.types import Scope

from kundensprache import ingest
from kundensprache.core.config import Config, ConfigError
from kundensprache.store.db import Store
from kundensprache.upload import inbox as inbox_files
from kundensprache.upload.i18n import pick_language, translator
from kundensprache.upload.middleware import BodySizeLimit, SecurityHeaders
from kundensprache.upload.passwords import check_users, dummy_verify, verify_password
from kundensprache.upload.records import UploadLog, UploadRow, ingest_results

log = logging.getLogger("kundensprache.upload")

HERE = Path(__file__).resolve().parent
SESSION_COOKIE = "kundensprache_session"
RECENT_ROWS = 50
MAX_FILES_PER_UPLOAD = 50
MAX_ACCOUNT_CHARS = 200
# Sign-in throttling: this many failures per client address and name within the window.
MAX_FAILED_LOGINS = 10
FAILED_LOGIN_WINDOW_S = 15 * 60
WARM_UP = b"Kunde: Wir brauchen eine Schnittstelle zu SAP.\nCustomer: How much is a licence?"

_templates = jinja2.Environment(
    loader=jinja2.FileSystemLoader(HERE / "templates"),
    autoescape=True,
    undefined=jinja2.StrictUndefined,
)


def create_app(config: Config, store: Store | None = None) -> FastAPI:
    """The ASGI app. Opens the store at ``config.store_url`` unless one is passed in.

    Raises ConfigError when a configured user has no usable password hash or the session
    secret is too short.
    """
    settings = config.upload
    check_users(settings.users)
    secret = settings.session_secret
    if secret and len(secret) < 16:
        raise ConfigError("[upload] session_secret: use at least 16 characters (better 32+)")
    if not secret:
        secret = secrets.token_urlsafe(32)
        log.warning(
            "[upload] session_secret is not set: using a random one, sign-ins end when the "
            "server restarts (set KUNDENSPRACHE_UPLOAD__SESSION_SECRET)"
        )
    owns_store = store is None
    store = store if store is not None else Store(config.store_url)
    inbox = Path(config.paths.inputs)
    max_bytes = int(settings.max_upload_mb * 1024 * 1024)
    uploads = UploadLog(store)
    process_lock = threading.Lock()
    failed_logins: dict[str, deque[float]] = defaultdict(deque)

    @contextlib.asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        # Load the ingest's lazy resources (language model) once, before the first upload:
        # otherwise many simultaneous first uploads each load them at the same time.
        try:
            await run_in_threadpool(ingest.validate_upload, "warm-up.txt", WARM_UP, "call", config)
        except Exception:
            log.exception("warming up the ingest validation failed")
        yield
        if owns_store:
            store.close()

    app = FastAPI(
        title="Kundensprache upload",
        docs_url=None,
        redoc_url=None,
        openapi_url=None,
        lifespan=lifespan,
    )
    app.state.config = config
    app.state.store = store
    app.state.uploads = uploads
    app.mount("/static", StaticFiles(directory=HERE / "static"), name="static")

    # ------------------------------------------------------------------ helpers
    def language(request_or_scope: Request | Scope) -> str:
        headers = (
            request_or_scope.headers
            if isinstance(request_or_scope, Request)
            else {k.decode("latin-1"): v.decode("latin-1") for k, v in request_or_scope["headers"]}
        )
        return pick_language(headers.get("accept-language"))

    def page(
        request: Request, template: str, status_code: int = 200, **context: object
    ) -> HTMLResponse:
        lang = language(request)
        html = _templates.get_template(template).render(
            lang=lang,
            t=translator(lang),
            csrf=csrf_token(request),
            user=current_user(request),
            max_mb=_mb(settings.max_upload_mb),
            max_bytes=max_bytes,
            **context,
        )
        return HTMLResponse(html, status_code=status_code, headers={"Vary": "Accept-Language"})

    def error_page(lang: str, status_code: int, message: str) -> HTMLResponse:
        html = _templates.get_template("error.html").render(
            lang=lang, t=translator(lang), message=message, status_code=status_code
        )
        return HTMLResponse(html, status_code=status_code, headers={"Vary": "Accept-Language"})

    def too_large(scope: Scope) -> Response:
        lang = language(scope)
        response = error_page(
            lang, 413, translator(lang)("err_413", mb=_mb(settings.max_upload_mb))
        )
        response.headers["Connection"] = "close"
        return response

    def current_user(request: Request) -> str | None:
        user = request.session.get("user") if "session" in request.scope else None
        return user if isinstance(user, str) and user in settings.users else None

    def csrf_token(request: Request) -> str:
        token = request.session.get("csrf")
        if not isinstance(token, str) or len(token) < 32:
            token = secrets.token_urlsafe(32)
            request.session["csrf"] = token
        return token

    def csrf_ok(request: Request, form: FormData) -> bool:
        sent = form.get("csrf_token")
        expected = request.session.get("csrf")
        return (
            isinstance(sent, str)
            and isinstance(expected, str)
            and len(expected) >= 32
            and hmac.compare_digest(sent.encode(), expected.encode())
        )

    async def read_form(request: Request) -> FormData:
        return await request.form(
            max_files=MAX_FILES_PER_UPLOAD, max_fields=50, max_part_size=max_bytes
        )

    def refuse(request: Request, status_code: int) -> HTMLResponse:
        lang = language(request)
        return error_page(lang, status_code, translator(lang)(f"err_{status_code}"))

    def statuses(rows: list[UploadRow]) -> list[tuple[str, str]]:
        """(received | ingested | rejected, reason) of each upload row."""
        done = ingest_results(store, [r.stored_path for r in rows if r.stored_path])
        out = []
        for row in rows:
            if row.status == "rejected" or not row.stored_path:
                out.append(("rejected", row.reason))
            elif row.stored_path in done:
                status, reason = done[row.stored_path]
                out.append(("rejected" if status == "rejected" else "ingested", reason))
            elif row.ingest_status == "rejected":  # e.g. removed from the inbox before a run
                out.append(("rejected", row.ingest_reason))
            else:
                out.append(("received", ""))
        return out

    def views(rows: list[UploadRow], lang: str) -> list[dict[str, object]]:
        t = translator(lang)
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
            for row, (status, reason) in zip(rows, statuses(rows), strict=True)
        ]

    def waiting(user: str) -> list[UploadRow]:
        """The user's received files that no ingest has handled yet."""
        rows = uploads.received(user)
        return [
            r for r, (status, _) in zip(rows, statuses(rows), strict=True) if status == "received"
        ]

    # ------------------------------------------------------------------ routes
    @app.get("/login")
    async def login_form(request: Request) -> Response:
        if current_user(request):
            return RedirectResponse("/", status_code=303)
        return page(request, "login.html", error=None, username="", no_users=not settings.users)

    @app.post("/login")
    async def login(request: Request) -> Response:
        form = await read_form(request)
        if not csrf_ok(request, form):
            return refuse(request, 403)
        name = str(form.get("username") or "").strip()
        password = str(form.get("password") or "")
        lang = language(request)
        client = request.client.host if request.client else "-"
        key = hashlib.sha256(f"{client}\0{name}".encode()).hexdigest()
        failures = failed_logins[key]
        now = time.monotonic()
        while failures and now - failures[0] > FAILED_LOGIN_WINDOW_S:
            failures.popleft()
        if len(failures) >= MAX_FAILED_LOGINS:
            return page(
                request,
                "login.html",
                429,
                error=translator(lang)("login_throttled"),
                username=name,
                no_users=False,
            )
        encoded = settings.users.get(name)
        if encoded is None:
            await run_in_threadpool(dummy_verify, password)
            ok = False
        else:
            ok = await run_in_threadpool(verify_password, password, encoded)
        if not ok:
            failures.append(now)
            if len(failed_logins) > 10_000:  # many names tried: forget the stale ones
                for stale in [
                    k
                    for k, v in failed_logins.items()
                    if not v or v[-1] < now - FAILED_LOGIN_WINDOW_S
                ]:
                    del failed_logins[stale]
            log.info("failed sign-in for %r from %s", name[:100], client)
            return page(
                request,
                "login.html",
                401,
                error=translator(lang)("login_failed"),
                username=name,
                no_users=not settings.users,
            )
        failed_logins.pop(key, None)
        request.session.clear()  # a fresh session (and CSRF token) after sign-in
        request.session["user"] = name
        request.session["csrf"] = secrets.token_urlsafe(32)
        log.info("%s signed in", name)
        return RedirectResponse("/", status_code=303)

    @app.post("/logout")
    async def logout(request: Request) -> Response:
        form = await read_form(request)
        if not csrf_ok(request, form):
            return refuse(request, 403)
        request.session.clear()
        return RedirectResponse("/login", status_code=303)

    @app.get("/")
    async def index(request: Request) -> Response:
        user = current_user(request)
        if not user:
            return RedirectResponse("/login", status_code=303)
        return await render_index(request, user)

    async def render_index(
        request: Request,
        user: str,
        status_code: int = 200,
        error: str | None = None,
        values: dict[str, str] | None = None,
    ) -> HTMLResponse:
        lang = language(request)
        t = translator(lang)

        def collect() -> dict[str, object]:
            recent = views(uploads.recent(user, RECENT_ROWS), lang)
            pending = len(waiting(user))
            notice = None
            batch = request.query_params.get("batch")
            run = request.query_params.get("run")
            if batch:
                rows = views(uploads.batch(user, batch), lang)
                if rows:
                    bad = [r for r in rows if r["status"] == "rejected"]
                    notice = {
                        "kind": "warning" if bad else "success",
                        "text": t("batch_result", ok=len(rows) - len(bad), bad=len(bad)),
                        "rows": bad,
                    }
            elif run == "failed":
                notice = {"kind": "error", "text": t("run_failed"), "rows": []}
            elif run:
                rows = views(uploads.by_run(user, run), lang)
                if rows:
                    bad = [r for r in rows if r["status"] == "rejected"]
                    notice = {
                        "kind": "warning" if bad else "success",
                        "text": t("run_result", ok=len(rows) - len(bad), bad=len(bad)),
                        "rows": bad,
                    }
            return {"recent": recent, "pending": pending, "notice": notice}

        data = await run_in_threadpool(collect)
        return page(
            request,
            "index.html",
            status_code,
            error=error,
            values=values
            or {"source": "call", "speaker_role": "unknown", "account": "", "date": ""},
            extensions={k: " ".join(v) for k, v in inbox_files.SOURCE_EXTENSIONS.items()},
            accept=",".join(inbox_files.EXTENSIONS),
            **data,
        )

    @app.post("/upload")
    async def upload(request: Request) -> Response:
        user = current_user(request)
        if not user:  # before the body is read
            return refuse(request, 401)
        form = await read_form(request)
        if not csrf_ok(request, form):
            return refuse(request, 403)
        t = translator(language(request))
        values = {
            "source": str(form.get("source") or ""),
            "speaker_role": str(form.get("speaker_role") or "unknown"),
            "account": str(form.get("account") or "").strip(),
            "date": str(form.get("date") or "").strip(),
        }
        note = str(form.get("note") or "").strip()
        files = [
            f for f in form.getlist("files") if isinstance(f, UploadFile) and (f.filename or f.size)
        ]
        error = None
        if values["source"] not in inbox_files.SOURCE_FOLDERS:
            error = t("bad_source")
        elif values["speaker_role"] not in inbox_files.ROLES:
            error = t("bad_role")
        elif values["date"] and not _valid_date(values["date"]):
            error = t("bad_date")
        elif len(values["account"]) > MAX_ACCOUNT_CHARS:
            error = t("bad_account")
        elif not files and not note:
            error = t("nothing_given")
        if error:
            return await render_index(request, user, 400, error=error, values=values)

        batch = secrets.token_hex(8)
        for f in files:
            original, data = inbox_files.display_name(f.filename), await f.read()
            await run_in_threadpool(accept, user, batch, values, original, data, t)
        if note:
            await run_in_threadpool(accept, user, batch, values, None, note, t)
        return RedirectResponse(f"/?batch={batch}", status_code=303)

    def accept(
        user: str, batch: str, values: dict[str, str], original: str | None, content, t
    ) -> None:
        """Validate one file (or pasted note: ``original`` None, ``content`` text) with the
        ingest's rules; store it with its sidecar, or record why not."""
        source = values["source"]
        meta = inbox_files.UploadMeta(
            source=source,
            account=values["account"] or None,
            date=values["date"] or None,
            speaker_role=values["speaker_role"],
            uploaded_by=user,
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
        if not reason:
            try:  # the ingest's own checks: size, binary, decodable, parseable
                reason = ingest.validate_upload(name_for_check, data, source, config)
            except Exception:
                log.exception("validation of an upload by %s failed", user)
                reason = t("err_500")
        stored_path = None
        if not reason:
            try:
                path = inbox_files.store_upload(inbox, meta, data, extension)
                stored_path = path.relative_to(inbox).as_posix()
            except (OSError, ValueError):
                log.exception("storing an upload by %s failed", user)
                reason = t("store_failed")
        uploads.add(
            batch=batch,
            user=user,
            source=source,
            original_name=original,
            stored_path=stored_path,
            sha256=hashlib.sha256(data).hexdigest(),
            size=len(data),
            account=meta.account,
            date=meta.date,
            speaker_role=meta.speaker_role,
            uploaded_at=meta.uploaded_at,
            status="rejected" if reason else "received",
            reason=reason or "",
        )
        log.info("%s uploaded %s: %s", user, stored_path or "-", reason or "received")

    def type_problem(source: str, extension: str, t) -> str | None:
        """A wrong file type, in the user's language (the commonest rejection)."""
        allowed = inbox_files.SOURCE_EXTENSIONS[source]
        if extension in allowed:
            return None
        kind, types = t(f"source_{source}"), " ".join(allowed)
        if extension:
            return t("type_not_allowed", ext=extension, kind=kind, types=types)
        return t("no_extension", kind=kind, types=types)

    @app.post("/process")
    async def process(request: Request) -> Response:
        user = current_user(request)
        if not user:
            return refuse(request, 401)
        form = await read_form(request)
        if not csrf_ok(request, form):
            return refuse(request, 403)
        t = translator(language(request))
        try:
            run = await run_in_threadpool(process_pending, user, t)
        except Exception:
            log.exception("process now for %s failed", user)
            run = "failed"
        return RedirectResponse(f"/?run={run}", status_code=303)

    def process_pending(user: str, t) -> str:
        """Ingest the user's received files now; returns the run id for the result notice."""
        run = secrets.token_hex(8)
        with process_lock:
            todo: list[tuple[UploadRow, Path]] = []
            for row in waiting(user):
                path = inbox / row.stored_path
                if path.is_file():
                    todo.append((row, path))
                else:
                    uploads.mark_run(row.id, run, "rejected", t("file_gone"))
            if not todo:
                return run
            results = ingest.ingest_paths(
                [(path, row.source) for row, path in todo], store, config, inbox=inbox
            )
            by_file = {_relative(r.file, inbox): r for r in results}
            for i, (row, _path) in enumerate(todo):
                result = by_file.get(row.stored_path)
                if result is None and len(results) == len(todo):
                    result = results[i]
                if result is None:
                    continue
                uploads.mark_run(row.id, run, result.status, result.reason)
        log.info("%s processed %d file(s)", user, len(todo))
        return run

    # --------------------------------------------------------------- errors
    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> Response:
        code = exc.status_code if exc.status_code in (400, 401, 403, 404, 405, 413) else 400
        return refuse(request, code)

    @app.exception_handler(Exception)
    async def server_error(request: Request, exc: Exception) -> Response:
        log.error("unhandled error on %s %s", request.method, request.url.path, exc_info=exc)
        return refuse(request, 500)

    # Outermost last: security headers on every answer, then the body limit around
    # everything that reads the body.
    app.add_middleware(
        SessionMiddleware,
        secret_key=secret,
        session_cookie=SESSION_COOKIE,
        max_age=int(settings.session_hours * 3600),
        same_site="lax",
        https_only=settings.cookie_secure,
    )
    app.add_middleware(BodySizeLimit, max_bytes=max_bytes, too_large=too_large)
    app.add_middleware(SecurityHeaders)
    return app


def _valid_date(text: str) -> bool:
    try:
        date.fromisoformat(text)
    except ValueError:
        return False
    return len(text) == 10


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


def _mb(value: float) -> str:
    return f"{value:g}"
