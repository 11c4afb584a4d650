"""Running the upload page with uvicorn (``kundensprache upload-server``)."""

from __future__ import annotations

import contextlib
import logging
import threading
import time
from collections.abc import Iterator

import uvicorn
from uvicorn.protocols.http.h11_impl import H11Protocol

from kundensprache.core.config import Config, ConfigError
from kundensprache.upload.app import create_app

log = logging.getLogger("kundensprache.upload")


def server_config(
    config: Config, host: str | None = None, port: int | None = None
) -> uvicorn.Config:
    """The uvicorn settings the page runs with; tests start the same with port 0.

    Against slow or hoarding clients: headers must arrive within ``header_timeout_s`` (our
    protocol below), bodies within ``body_timeout_s`` (BodyDeadline in the app), an idle
    kept-alive connection is closed after 5 s, and at most ``max_connections`` are served at
    once (more are answered 503 at once instead of waiting for file descriptors). Client
    addresses come from X-Forwarded-For only when the peer is a configured trusted proxy.
    """
    settings = config.upload
    bind = host or settings.host
    trusted = [p.strip() for p in settings.trusted_proxies if p.strip()]
    return uvicorn.Config(
        create_app(config, host=bind),
        host=bind,
        port=settings.port if port is None else port,
        http=header_deadline_protocol(settings.header_timeout_s),
        server_header=False,  # do not advertise the server software
        date_header=False,
        proxy_headers=bool(trusted),
        forwarded_allow_ips=",".join(trusted) if trusted else None,
        log_level="info",
        timeout_keep_alive=5,
        limit_concurrency=settings.max_connections,
        h11_max_incomplete_event_size=16 * 1024,
    )


def header_deadline_protocol(timeout_s: float) -> type[H11Protocol]:
    """uvicorn's h11 protocol with a deadline for each request's headers: a client that
    opens a connection and sends half a request line (or nothing) is disconnected after
    ``timeout_s`` instead of holding the connection forever (uvicorn itself only times out
    idle kept-alive connections)."""

    class HeaderDeadline(H11Protocol):
        def connection_made(self, transport) -> None:  # type: ignore[override]
            self._header_timer = None
            super().connection_made(transport)
            self._arm()

        def data_received(self, data: bytes) -> None:
            if self._header_timer is None and self._between_requests():
                self._arm()
            super().data_received(data)
            if not self._between_requests():
                self._disarm()

        def connection_lost(self, exc: Exception | None) -> None:
            self._disarm()
            super().connection_lost(exc)

        def _between_requests(self) -> bool:
            return self.cycle is None or self.cycle.response_complete

        def _arm(self) -> None:
            self._header_timer = self.loop.call_later(timeout_s, self._expire)

        def _disarm(self) -> None:
            if self._header_timer is not None:
                self._header_timer.cancel()
                self._header_timer = None

        def _expire(self) -> None:
            self._header_timer = None
            if self._between_requests() and not self.transport.is_closing():
                log.info("closing a connection that sent no complete headers in %g s", timeout_s)
                self.transport.close()

    return HeaderDeadline


def serve(config: Config, host: str | None = None, port: int | None = None) -> None:
    """Start the upload page and block until stopped (Ctrl+C).

    Refuses to start without any user: nobody could sign in.
    """
    if not config.upload.users:
        raise ConfigError(
            "[upload] users: no users configured, nobody could sign in; run "
            '`kundensprache hash-password` and add `NAME = "<the printed hash>"` under '
            "[upload.users]"
        )
    settings = server_config(config, host, port)
    print(f"Upload page: http://{settings.host}:{settings.port}/  (Ctrl+C stops it)", flush=True)
    uvicorn.Server(settings).run()


@contextlib.contextmanager
def serve_in_thread(config: Config, host: str = "127.0.0.1", port: int = 0) -> Iterator[str]:
    """Run the page in a background thread (tests, embedding); yields its base URL.

    Port 0 picks a free port. The server stops when the block ends.
    """
    server = uvicorn.Server(server_config(config, host, port))
    thread = threading.Thread(target=server.run, name="upload-server", daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            server.should_exit = True
            raise RuntimeError("the upload server did not start")
        time.sleep(0.02)
    bound_port = server.servers[0].sockets[0].getsockname()[1]
    try:
        yield f"http://{host}:{bound_port}"
    finally:
        server.should_exit = True
        thread.join(timeout=15)
