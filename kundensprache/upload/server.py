"""Running the upload page with uvicorn (``kundensprache upload-server``)."""

from __future__ import annotations

import contextlib
import threading
import time
from collections.abc import Iterator

import uvicorn

from kundensprache.core.config import Config, ConfigError
from kundensprache.upload.app import create_app


def server_config(
    config: Config, host: str | None = None, port: int | None = None
) -> uvicorn.Config:
    """The uvicorn settings the page runs with; tests start the same with port 0."""
    return uvicorn.Config(
        create_app(config),
        host=host or config.upload.host,
        port=config.upload.port if port is None else port,
        server_header=False,  # do not advertise the server software
        date_header=False,
        proxy_headers=False,  # client addresses (sign-in throttling) from the socket
        log_level="info",
        timeout_keep_alive=5,
    )


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
