"""The upload page's routes: sign-in and sign-out, the page, uploads, process now.

Handlers read everything from ``request.app.state.upload`` (an UploadState) and the
request's server-side session (``request.scope["session_obj"]``, set by ServerSessions)."""

from __future__ import annotations

import asyncio
import hmac
import logging
import secrets
from datetime import date
from pathlib import Path

import jinja2
from fastapi import APIRouter, Request
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import FormData, UploadFile
from starlette.responses import HTMLResponse, RedirectResponse, Response

from kundensprache.upload import inbox as inbox_files
from kundensprache.upload import services
from kundensprache.upload.auth import Session, device_token, device_trusted
from kundensprache.upload.i18n import pick_language, translator
from kundensprache.upload.passwords import dummy_verify, verify_password
from kundensprache.upload.services import UploadForm, UploadState

log = logging.getLogger("kundensprache.upload")

HERE = Path(__file__).resolve().parent
SESSION_COOKIE = "kundensprache_session"
DEVICE_COOKIE = "kundensprache_device"
RECENT_ROWS = 50
MAX_FILES_PER_UPLOAD = 50
MAX_ACCOUNT_CHARS = 200
MAX_WAIT_IN_LINE_S = 2.0  # a throttled sign-in waits this long at most, then gets 429

templates = jinja2.Environment(
    loader=jinja2.FileSystemLoader(HERE / "templates"),
    autoescape=True,
    undefined=jinja2.StrictUndefined,
)
router = APIRouter()


# ---------------------------------------------------------------------- helpers
def state_of(request: Request) -> UploadState:
    return request.app.state.upload


def session_of(request: Request) -> Session | None:
    return request.scope.get("session_obj")


def start_session(request: Request, user: str | None = None) -> Session:
    """A fresh session (a new id: never reuse one across sign-in); the old one ends."""
    state = state_of(request)
    old = session_of(request)
    if old is not None:
        state.sessions.end(old.id)
    session = state.sessions.new(user)
    request.scope["session_obj"] = session
    request.scope["session_changed"] = True
    return session


def current_user(request: Request) -> str | None:
    session = session_of(request)
    user = session.user if session else None
    return user if user and user in state_of(request).settings.users else None


def csrf_token(request: Request) -> str:
    session = session_of(request) or start_session(request)
    return session.csrf


def csrf_ok(request: Request, form: FormData) -> bool:
    sent, session = form.get("csrf_token"), session_of(request)
    return (
        isinstance(sent, str)
        and session is not None
        and hmac.compare_digest(sent.encode(), session.csrf.encode())
    )


def language(request: Request) -> str:
    return pick_language(request.headers.get("accept-language"))


def page(
    request: Request, template: str, status_code: int = 200, **context: object
) -> HTMLResponse:
    state, lang = state_of(request), language(request)
    html = templates.get_template(template).render(
        lang=lang,
        t=translator(lang),
        csrf=csrf_token(request),
        user=current_user(request),
        max_mb=f"{state.settings.max_upload_mb:g}",
        max_bytes=state.max_bytes,
        **context,
    )
    return HTMLResponse(html, status_code=status_code, headers={"Vary": "Accept-Language"})


def error_page(lang: str, status_code: int, message: str) -> HTMLResponse:
    html = templates.get_template("error.html").render(
        lang=lang, t=translator(lang), message=message, status_code=status_code
    )
    return HTMLResponse(html, status_code=status_code, headers={"Vary": "Accept-Language"})


def refuse(request: Request, status_code: int) -> HTMLResponse:
    lang = language(request)
    return error_page(lang, status_code, translator(lang)(f"err_{status_code}"))


async def read_form(request: Request) -> FormData:
    return await request.form(
        max_files=MAX_FILES_PER_UPLOAD, max_fields=50, max_part_size=state_of(request).max_bytes
    )


# ---------------------------------------------------------------------- sign-in
@router.get("/login")
async def login_form(request: Request) -> Response:
    if current_user(request):
        return RedirectResponse("/", status_code=303)
    no_users = not state_of(request).settings.users
    return page(request, "login.html", error=None, username="", no_users=no_users)


@router.post("/login")
async def login(request: Request) -> Response:
    state = state_of(request)
    form = await read_form(request)
    if not csrf_ok(request, form):
        return refuse(request, 403)
    name = str(form.get("username") or "").strip()[:200]
    password = str(form.get("password") or "")
    t = translator(language(request))
    client = request.client.host if request.client else "-"
    trusted = device_trusted(state.secret, name, request.cookies.get(DEVICE_COOKIE))
    if trusted:  # the owner's browser is counted apart from guessers behind the same address
        client = f"device:{client}"
    wait = state.throttle.wait_s(name, client, trusted)
    if 0 < wait <= MAX_WAIT_IN_LINE_S:
        await asyncio.sleep(wait)  # a short wait is served, not refused
        wait = state.throttle.wait_s(name, client, trusted)
    if wait > 0:
        log.info("sign-in for %r from %s throttled (%.0f s)", name[:100], client, wait)
        return page(
            request, "login.html", 429, error=t("login_throttled"), username=name, no_users=False
        )
    state.throttle.attempt(name, trusted)
    encoded = state.settings.users.get(name)
    if encoded is None:
        await run_in_threadpool(dummy_verify, password)
    ok = encoded is not None and await run_in_threadpool(verify_password, password, encoded)
    if not ok:
        state.throttle.failed(name, client)
        log.info("failed sign-in for %r from %s", name[:100], client)
        no_users = not state.settings.users
        return page(
            request, "login.html", 401, error=t("login_failed"), username=name, no_users=no_users
        )
    state.throttle.succeeded(name, client)
    start_session(request, user=name)
    log.info("%s signed in", name)
    response = RedirectResponse("/", status_code=303)
    response.set_cookie(
        DEVICE_COOKIE,
        device_token(state.secret, name),
        max_age=90 * 24 * 3600,
        httponly=True,
        samesite="lax",
        secure=state.cookie_secure,
    )
    return response


@router.post("/logout")
async def logout(request: Request) -> Response:
    form = await read_form(request)
    if not csrf_ok(request, form):
        return refuse(request, 403)
    session = session_of(request)
    if session is not None:
        state_of(request).sessions.end(session.id)  # the id is dead on the server
    request.scope["session_obj"] = None
    request.scope["session_changed"] = True
    return RedirectResponse("/login", status_code=303)


# ---------------------------------------------------------------------- the page
@router.get("/")
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
    state, lang = state_of(request), language(request)
    t = translator(lang)
    batch, run = request.query_params.get("batch"), request.query_params.get("run")

    def collect() -> dict[str, object]:
        recent = services.views(state, state.uploads.recent(user, RECENT_ROWS), lang, t)
        pending = len(services.waiting(state, user, t))
        notice = None
        if batch:
            notice = _notice(
                services.views(state, state.uploads.batch(user, batch), lang, t), t, "batch_result"
            )
        elif run == "failed":
            notice = {"kind": "error", "text": t("run_failed"), "rows": []}
        elif run:
            notice = _notice(
                services.views(state, state.uploads.by_run(user, run), lang, t), t, "run_result"
            )
        return {"recent": recent, "pending": pending, "notice": notice}

    data = await run_in_threadpool(collect)
    return page(
        request,
        "index.html",
        status_code,
        error=error,
        values=values or {"source": "call", "speaker_role": "unknown", "account": "", "date": ""},
        extensions={k: " ".join(v) for k, v in inbox_files.SOURCE_EXTENSIONS.items()},
        accept=",".join(inbox_files.EXTENSIONS),
        **data,
    )


def _notice(rows: list[dict[str, object]], t, key: str) -> dict[str, object] | None:
    if not rows:
        return None
    bad = [r for r in rows if r["status"] == "rejected"]
    return {
        "kind": "warning" if bad else "success",
        "text": t(key, ok=len(rows) - len(bad), bad=len(bad)),
        "rows": bad,
    }


@router.post("/upload")
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
    error = _form_error(values, bool(files or note), t)
    if error:
        return await render_index(request, user, 400, error=error, values=values)
    state = state_of(request)
    upload_form = UploadForm(user=user, batch=secrets.token_hex(8), values=values)
    for f in files:
        original, data = inbox_files.display_name(f.filename), await f.read()
        await run_in_threadpool(services.accept, state, upload_form, original, data, t)
    if note:
        await run_in_threadpool(services.accept, state, upload_form, None, note, t)
    return RedirectResponse(f"/?batch={upload_form.batch}", status_code=303)


def _form_error(values: dict[str, str], anything: bool, t) -> str | None:
    if values["source"] not in inbox_files.SOURCE_FOLDERS:
        return t("bad_source")
    if values["speaker_role"] not in inbox_files.ROLES:
        return t("bad_role")
    if values["date"] and not _valid_date(values["date"]):
        return t("bad_date")
    if len(values["account"]) > MAX_ACCOUNT_CHARS:
        return t("bad_account")
    if not anything:
        return t("nothing_given")
    return None


@router.post("/process")
async def process(request: Request) -> Response:
    user = current_user(request)
    if not user:
        return refuse(request, 401)
    form = await read_form(request)
    if not csrf_ok(request, form):
        return refuse(request, 403)
    t = translator(language(request))
    try:
        run = await run_in_threadpool(services.process_pending, state_of(request), user, t)
    except Exception:
        log.exception("process now for %s failed", user)
        run = "failed"
    return RedirectResponse(f"/?run={run}", status_code=303)


def _valid_date(text: str) -> bool:
    try:
        date.fromisoformat(text)
    except ValueError:
        return False
    return len(text) == 10
