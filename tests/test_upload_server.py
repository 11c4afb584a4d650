"""The upload page on a real uvicorn server (127.0.0.1, free port, in a thread).

What only a real server shows: the 413 arrives while the client is still sending a huge
declared body, and 20 simultaneous uploads of the same file name all land.
"""

from __future__ import annotations

import json
import re
import socket
import threading
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from urllib.parse import urlsplit

import httpx
import pytest

from kundensprache.core.config import Config, ConfigError, PathsConfig, UploadConfig
from kundensprache.upload import hash_password, serve
from kundensprache.upload.server import serve_in_thread

PASSWORD = "richtig-geheim"
HASH = hash_password(PASSWORD)
CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')
STORED_NAME = re.compile(r"^\d{4}-\d\d-\d\dT\d{6}_[0-9a-f]{8}\.txt$")


@pytest.fixture
def config(tmp_path: Path) -> Config:
    return Config(
        paths=PathsConfig(
            inputs=tmp_path / "inputs", outputs=tmp_path / "outputs", work=tmp_path / "work"
        ),
        upload=UploadConfig(
            users={"anna": HASH, "ben": HASH}, session_secret="s" * 40, max_upload_mb=2.0
        ),
    )


@pytest.fixture
def server(config: Config):
    with serve_in_thread(config) as url:
        yield url


def signed_in_client(url: str, user: str) -> tuple[httpx.Client, str]:
    client = httpx.Client(base_url=url, follow_redirects=True, timeout=30)
    token = CSRF.search(client.get("/login").text).group(1)
    page = client.post("/login", data={"csrf_token": token, "username": user, "password": PASSWORD})
    assert page.status_code == 200
    return client, CSRF.search(page.text).group(1)


def test_declared_oversized_body_gets_413_while_the_client_is_still_sending(server: str):
    host, port = urlsplit(server).hostname, urlsplit(server).port
    with socket.create_connection((host, port), timeout=10) as sock:
        sock.sendall(
            b"POST /upload HTTP/1.1\r\nHost: test\r\n"
            b"Content-Type: multipart/form-data; boundary=x\r\n"
            b"Content-Length: 10737418240\r\n\r\n" + b"x" * 1024
        )  # 1 KiB of a declared 10 GiB
        received = b""
        while chunk := sock.recv(65536):  # the server answers and closes the connection
            received += chunk
    reply = received.decode("utf-8", "replace")
    assert reply.startswith("HTTP/1.1 413")
    assert "connection: close" in reply.lower()
    assert "content-security-policy" in reply.lower()
    assert "höchstens 2 MB" in reply


def test_no_server_software_header(server: str):
    response = httpx.get(server + "/login")
    assert "server" not in response.headers
    assert response.status_code == 200


def test_twenty_concurrent_uploads_with_the_same_name_give_twenty_files(server, config):
    clients = [signed_in_client(server, user) for user in ("anna", "ben")]
    start = threading.Barrier(20)

    def send(i: int) -> int:
        client, token = clients[i % 2]
        content = f"Kunde: Notiz Nummer {i}, wir brauchen die Schnittstelle zu SAP.".encode()
        start.wait()
        response = client.post(
            "/upload",
            data={"csrf_token": token, "source": "call", "speaker_role": "customer"},
            files={"files": ("notes.txt", content, "text/plain")},
        )
        return response.status_code

    with ThreadPoolExecutor(max_workers=20) as pool:
        codes = list(pool.map(send, range(20)))
    for client, _ in clients:
        client.close()
    assert codes == [200] * 20
    calls = Path(config.paths.inputs) / "calls"
    data = sorted(p for p in calls.iterdir() if not p.name.endswith(".meta.json"))
    assert len(data) == 20 and all(STORED_NAME.match(p.name) for p in data)
    contents = sorted(p.read_text(encoding="utf-8") for p in data)
    assert contents == sorted(
        f"Kunde: Notiz Nummer {i}, wir brauchen die Schnittstelle zu SAP." for i in range(20)
    )
    uploaders = []
    for path in data:
        meta = json.loads(path.with_name(path.name + ".meta.json").read_text(encoding="utf-8"))
        assert meta["original_name"] == "notes.txt"
        uploaders.append(meta["uploaded_by"])
    assert sorted(uploaders) == ["anna"] * 10 + ["ben"] * 10
    assert [p.name for p in calls.iterdir() if p.name.startswith(".")] == []  # no temp left


def test_serve_refuses_to_start_without_users(config: Config):
    config.upload.users = {}
    with pytest.raises(ConfigError, match="no users configured"):
        serve(config, port=0)
