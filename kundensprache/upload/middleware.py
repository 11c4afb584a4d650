"""Two small ASGI middlewares: the request body limit and the security headers.

The body limit works below the framework so an oversized upload is refused before it is
read: a declared Content-Length over the limit is answered with 413 at once, and a body
without one (chunked) is counted while it streams and cut off the moment it passes the limit.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable

from starlette.responses import Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send


class BodyTooLarge(Exception):
    """Raised from ``receive`` when the streamed body passes the limit."""


class BodySizeLimit:
    def __init__(self, app: ASGIApp, max_bytes: int, too_large: Callable[[Scope], Response]):
        self.app = app
        self.max_bytes = max_bytes
        self.too_large = too_large

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = _content_length(scope)
        if declared is not None and declared > self.max_bytes:
            await self.too_large(scope)(scope, receive, send)
            return
        seen = 0

        async def counting_receive() -> Message:
            nonlocal seen
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > self.max_bytes:
                    raise BodyTooLarge
            return message

        await _answer_unless_started(
            self.app, scope, receive, send, counting_receive, BodyTooLarge, self.too_large
        )


async def _answer_unless_started(
    app: ASGIApp,
    scope: Scope,
    receive: Receive,
    send: Send,
    guarded_receive: Receive,
    error: type[Exception],
    answer: Callable[[Scope], Response],
) -> None:
    """Run the app on a guarded ``receive``; when that raises ``error`` before the app began
    its response, send ``answer`` instead (after the start, the connection is just cut)."""
    started = False

    async def tracking_send(message: Message) -> None:
        nonlocal started
        if message["type"] == "http.response.start":
            started = True
        await send(message)

    try:
        await app(scope, guarded_receive, tracking_send)
    except error:
        if not started:
            await answer(scope)(scope, receive, send)


def _content_length(scope: Scope) -> int | None:
    for key, value in scope.get("headers", []):
        if key == b"content-length":
            try:
                return int(value)
            except ValueError:
                return None  # the server rejects a malformed length itself
    return None


SECURITY_HEADERS = [
    (
        b"content-security-policy",
        b"default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
        b"form-action 'self'; frame-ancestors 'none'; base-uri 'none'; object-src 'none'",
    ),
    (b"x-content-type-options", b"nosniff"),
    (b"x-frame-options", b"DENY"),
    (b"referrer-policy", b"same-origin"),
]


class SecurityHeaders:
    """Adds CSP and friends to every response, and ``no-store`` to pages (not to /static)."""

    def __init__(self, app: ASGIApp):
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        is_static = scope.get("path", "").startswith("/static/")

        async def add_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                present = {k.lower() for k, _ in headers}
                headers += [(k, v) for k, v in SECURITY_HEADERS if k not in present]
                if not is_static and b"cache-control" not in present:
                    headers.append((b"cache-control", b"no-store"))
                message = {**message, "headers": headers}
            await send(message)

        await self.app(scope, receive, add_headers)


class ServerSessions:
    """Looks up the server-side session named by the cookie (``scope["session_obj"]``) and,
    when a route started or ended one (``scope["session_changed"]``), sets or clears the
    cookie on the response. The cookie is only an opaque id."""

    def __init__(self, app: ASGIApp, sessions, cookie: str, secure: bool, max_age: int):
        self.app = app
        self.sessions = sessions
        self.cookie = cookie
        self.secure = secure
        self.max_age = max_age

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        scope["session_obj"] = self.sessions.get(_cookie(scope, self.cookie))
        scope["session_changed"] = False

        async def with_cookie(message: Message) -> None:
            if message["type"] == "http.response.start" and scope.get("session_changed"):
                headers = list(message.get("headers", []))
                headers.append((b"set-cookie", self._set_cookie(scope.get("session_obj"))))
                message = {**message, "headers": headers}
            await send(message)

        await self.app(scope, receive, with_cookie)

    def _set_cookie(self, session) -> bytes:
        value, age = (session.id, self.max_age) if session is not None else ("", 0)
        parts = [f"{self.cookie}={value}", "Path=/", f"Max-Age={age}", "HttpOnly", "SameSite=Lax"]
        if self.secure:
            parts.append("Secure")
        return "; ".join(parts).encode("latin-1")


def _cookie(scope: Scope, name: str) -> str | None:
    for key, value in scope.get("headers", []):
        if key == b"cookie":
            for part in value.decode("latin-1").split(";"):
                k, _, v = part.strip().partition("=")
                if k == name:
                    return v
    return None


class BodyTimeout(Exception):
    """Raised from ``receive`` when the body does not arrive in time."""


class BodyDeadline:
    """A request body must arrive within ``base_s`` plus one second per ``bytes_per_s`` of
    its declared length, and no single read may wait longer than ``base_s``: a client that
    sends one byte every few seconds is answered 408 and disconnected instead of holding a
    connection (and a worker) open indefinitely."""

    def __init__(self, app: ASGIApp, base_s: float, bytes_per_s: int, timed_out):
        self.app = app
        self.base_s = base_s
        self.bytes_per_s = bytes_per_s
        self.timed_out = timed_out

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        loop = asyncio.get_running_loop()
        budget = self.base_s + (_content_length(scope) or 0) / self.bytes_per_s
        deadline = loop.time() + budget
        body_done = False

        async def timed_receive() -> Message:
            nonlocal body_done
            if body_done:  # e.g. waiting for a disconnect while answering: no deadline
                return await receive()
            left = min(deadline - loop.time(), self.base_s)
            if left <= 0:
                raise BodyTimeout
            try:
                message = await asyncio.wait_for(receive(), timeout=left)
            except TimeoutError:
                raise BodyTimeout from None
            body_done = message["type"] != "http.request" or not message.get("more_body")
            return message

        await _answer_unless_started(
            self.app, scope, receive, send, timed_receive, BodyTimeout, self.timed_out
        )
