"""The upload page: sign in, hand over files or a pasted note, see their status, process now.

Server-rendered HTML (Jinja2), no JavaScript needed (a small script adds drag and drop).
Every form carries a CSRF token bound to the server-side session; every page but the
sign-in page needs a signed-in user from ``[upload] users``; errors are answered with a
short page in the user's language and logged on the server, never with a stack trace.

This module only assembles the parts: routes (routes.py), sessions and throttling
(auth.py), what the routes call (services.py), and the middlewares (middleware.py).
"""

from __future__ import annotations

import contextlib
import logging
import secrets
from collections.abc import AsyncIterator

from fastapi import FastAPI, Request
from fastapi.staticfiles import StaticFiles
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.responses import Response
from starlette.types import Scope

from kundensprache import ingest
from kundensprache.core.config import Config, ConfigError
from kundensprache.store.db import Store
from kundensprache.upload.auth import SessionStore
from kundensprache.upload.i18n import pick_language, translator
from kundensprache.upload.middleware import (
    BodyDeadline,
    BodySizeLimit,
    SecurityHeaders,
    ServerSessions,
)
from kundensprache.upload.passwords import check_users
from kundensprache.upload.routes import HERE, SESSION_COOKIE, error_page, refuse, router
from kundensprache.upload.services import UploadState

log = logging.getLogger("kundensprache.upload")

__all__ = ["SESSION_COOKIE", "create_app", "cookie_secure_for"]

WARM_UP = b"Kunde: Wir brauchen eine Schnittstelle zu SAP.\nCustomer: How much is a licence?"
LOCAL_HOSTS = {"127.0.0.1", "localhost", "::1", "[::1]"}


def cookie_secure_for(config: Config, host: str | None = None) -> bool:
    """``[upload] cookie_secure``, or when unset: on unless the page is bound to localhost
    (anything else is reachable from the network and must be served over HTTPS)."""
    if config.upload.cookie_secure is not None:
        return bool(config.upload.cookie_secure)
    return (host or config.upload.host) not in LOCAL_HOSTS


def create_app(config: Config, store: Store | None = None, *, host: str | None = None) -> FastAPI:
    """The ASGI app. Opens the store at ``config.store_url`` unless one is passed in.
    ``host``: the address the server binds to, when not ``[upload] host``.

    Raises ConfigError when a configured user has no usable password hash or the session
    secret is too short.
    """
    settings = config.upload
    check_users(settings.users)
    state = UploadState(
        config=config,
        store=store if store is not None else Store(config.store_url),
        owns_store=store is None,
        secret=_secret(settings.session_secret),
        cookie_secure=cookie_secure_for(config, host),
        sessions=SessionStore(lifetime_s=settings.session_hours * 3600),
    )

    @contextlib.asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        # Load the ingest's lazy resources (language model) once, before the first upload:
        # otherwise many simultaneous first uploads each load them at the same time.
        try:
            await run_in_threadpool(ingest.validate_upload, "warm-up.txt", WARM_UP, "call", config)
        except Exception:
            log.exception("warming up the ingest validation failed")
        yield
        if state.owns_store:
            state.store.close()

    app = FastAPI(
        title="Kundensprache upload",
        docs_url=None,
        redoc_url=None,
        openapi_url=None,
        lifespan=lifespan,
    )
    app.state.upload = state
    app.state.config = config
    app.state.store = state.store
    app.state.uploads = state.uploads
    app.mount("/static", StaticFiles(directory=HERE / "static"), name="static")
    app.include_router(router)
    app.add_exception_handler(StarletteHTTPException, _http_error)
    app.add_exception_handler(Exception, _server_error)
    _add_middleware(app, state)
    return app


def _add_middleware(app: FastAPI, state: UploadState) -> None:
    """Outermost last: security headers on every answer, then the body limit and deadline
    around everything that reads the body, then the session lookup."""
    settings = state.settings
    app.add_middleware(
        ServerSessions,
        sessions=state.sessions,
        cookie=SESSION_COOKIE,
        secure=state.cookie_secure,
        max_age=int(settings.session_hours * 3600),
    )
    app.add_middleware(
        BodyDeadline,
        base_s=settings.body_timeout_s,
        bytes_per_s=50_000,
        timed_out=lambda scope: _status_page(scope, 408, "err_408"),
    )
    app.add_middleware(
        BodySizeLimit,
        max_bytes=state.max_bytes,
        too_large=lambda scope: _status_page(
            scope, 413, "err_413", mb=f"{settings.max_upload_mb:g}"
        ),
    )
    app.add_middleware(SecurityHeaders)


def _secret(configured: str) -> str:
    if configured and len(configured) < 16:
        raise ConfigError("[upload] session_secret: use at least 16 characters (better 32+)")
    if configured:
        return configured
    log.warning(
        "[upload] session_secret is not set: using a random one, device tokens end when the "
        "server restarts (set KUNDENSPRACHE_UPLOAD__SESSION_SECRET)"
    )
    return secrets.token_urlsafe(32)


def _status_page(scope: Scope, status_code: int, key: str, **values: object) -> Response:
    headers = {k.decode("latin-1"): v.decode("latin-1") for k, v in scope["headers"]}
    lang = pick_language(headers.get("accept-language"))
    response = error_page(lang, status_code, translator(lang)(key, **values))
    response.headers["Connection"] = "close"
    return response


async def _http_error(request: Request, exc: Exception) -> Response:
    code = getattr(exc, "status_code", 400)
    return refuse(request, code if code in (400, 401, 403, 404, 405, 413) else 400)


async def _server_error(request: Request, exc: Exception) -> Response:
    log.error("unhandled error on %s %s", request.method, request.url.path, exc_info=exc)
    return refuse(request, 500)
