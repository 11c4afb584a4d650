"""The upload page over HTTP (httpx against the ASGI app): every rule of issue 7.

Sign-in, session cookie, CSRF, body limit, hostile file names, validation messages,
language, per-user lists and "process now" with the real ingest package.
"""

from __future__ import annotations

import asyncio
import itertools
import json
import re
import sqlite3
from html.parser import HTMLParser
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from kundensprache import ingest
from kundensprache.core.config import Config, PathsConfig, UploadConfig
from kundensprache.store.db import Store
from kundensprache.upload import create_app, hash_password
from kundensprache.upload.app import SESSION_COOKIE
from kundensprache.upload.i18n import TEXTS, pick_language
from kundensprache.upload.inbox import EXTENSIONS, SOURCE_EXTENSIONS

PASSWORD = "richtig-geheim"
HASH = hash_password(PASSWORD)
STORED_NAME = re.compile(r"^\d{4}-\d\d-\d\dT\d{6}_[0-9a-f]{8}\.[a-z0-9]+$")
CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')

CALL_NOTE = (
    "Datum: 14.09.2026\nFirma: Müller GmbH\n\n"
    "Kunde: Die Datenpflege im CRM kostet uns jede Woche Stunden.\n"
    "Vertrieb: Wie pflegen Sie die Daten heute?\n"
    "Kunde: Wir brauchen eine Schnittstelle zu SAP, sonst tippen wir alles doppelt.\n"
).encode()
EMAIL = (
    "From: Petra Kunde <petra@kunde-beispiel.de>\r\n"
    "To: vertrieb@example.de\r\n"
    "Subject: Frage zur Lizenz\r\n"
    "Date: Mon, 14 Sep 2026 10:00:00 +0200\r\n"
    "Content-Type: text/plain; charset=utf-8\r\n\r\n"
    "Hallo,\r\nwas kostet eine Lizenz pro Nutzer, wenn wir die Schnittstelle zu SAP brauchen?\r\n"
    "Die Datenpflege im CRM ist heute zu aufwendig.\r\n\r\nViele Grüße\r\nPetra\r\n"
).encode()


@pytest.fixture
def config(tmp_path: Path) -> Config:
    return Config(
        paths=PathsConfig(
            inputs=tmp_path / "site" / "data" / "inputs",
            outputs=tmp_path / "outputs",
            work=tmp_path / "work",
        ),
        upload=UploadConfig(
            users={"anna": HASH, "ben": HASH}, session_secret="s" * 40, max_upload_mb=1.0
        ),
    )


@pytest.fixture
def client(config: Config):
    with TestClient(create_app(config), raise_server_exceptions=False) as test_client:
        yield test_client


def csrf_of(html: str) -> str:
    match = CSRF.search(html)
    assert match, "page has no CSRF field"
    return match.group(1)


def sign_in(client: TestClient, user: str = "anna", password: str = PASSWORD) -> str:
    """Signs in through the form; returns the CSRF token of the upload page."""
    token = csrf_of(client.get("/login").text)
    response = client.post(
        "/login", data={"csrf_token": token, "username": user, "password": password}
    )
    assert response.status_code == 200 and 'action="/upload"' in response.text
    return csrf_of(response.text)


def upload(
    client: TestClient,
    token: str | None,
    files: list[tuple[str, bytes]] = (),
    **fields: str,
):
    data = {"source": "call", "speaker_role": "unknown", **fields}
    if token is not None:
        data["csrf_token"] = token
    parts = [("files", (name, content, "application/octet-stream")) for name, content in files]
    return client.post("/upload", data=data, files=parts or None)


def stored_files(config: Config) -> list[Path]:
    inbox = Path(config.paths.inputs)
    return sorted(p for p in inbox.rglob("*") if p.is_file()) if inbox.exists() else []


def data_files(config: Config) -> list[Path]:
    return [p for p in stored_files(config) if not p.name.endswith(".meta.json")]


def rows(html: str) -> list[dict[str, str]]:
    """(file name, status) of each row of the upload list."""
    found = []
    for match in re.finditer(
        r'<tr class="upload-row" data-status="(\w+)">\s*<td[^>]*>\s*'
        r'<span class="file-name">(.*?)</span>',
        html,
        re.S,
    ):
        found.append({"status": match.group(1), "name": match.group(2).strip()})
    return found


# ----------------------------------------------------------------- sign-in
def test_pages_need_sign_in(client: TestClient):
    response = client.get("/", follow_redirects=False)
    assert response.status_code == 303 and response.headers["location"] == "/login"


@pytest.mark.parametrize("path", ["/upload", "/process"])
def test_posts_without_sign_in_are_401_and_change_nothing(client, config, path):
    response = client.post(path, data={"source": "call", "note": "Hallo"})
    assert response.status_code == 401
    assert "Bitte melden Sie sich zuerst an." in response.text
    assert stored_files(config) == []


def test_wrong_password_or_unknown_user_is_refused(client: TestClient):
    token = csrf_of(client.get("/login").text)
    for user, password in [("anna", "falsch"), ("mallory", PASSWORD), ("anna", "")]:
        response = client.post(
            "/login", data={"csrf_token": token, "username": user, "password": password}
        )
        assert response.status_code == 401
        assert "Benutzername oder Passwort ist falsch." in response.text
    assert client.get("/", follow_redirects=False).status_code == 303


def test_sign_in_sets_an_httponly_samesite_cookie(client: TestClient):
    token = csrf_of(client.get("/login").text)
    response = client.post(
        "/login",
        data={"csrf_token": token, "username": "anna", "password": PASSWORD},
        follow_redirects=False,
    )
    assert response.status_code == 303 and response.headers["location"] == "/"
    cookies = response.headers.get_list("set-cookie")
    cookie = next(c for c in cookies if c.startswith(SESSION_COOKIE + "=")).lower()
    assert "httponly" in cookie and "samesite=lax" in cookie
    assert "secure" not in cookie  # bound to localhost in this config
    assert PASSWORD not in " ".join(cookies)
    # the cookie is an opaque random id: no user name, nothing to decode
    value = cookie.split(";")[0].split("=", 1)[1]
    assert len(value) >= 40 and "anna" not in value and "{" not in value


def test_secure_cookie_when_configured(config: Config):
    config.upload.cookie_secure = True
    with TestClient(create_app(config), base_url="https://testserver") as client:
        token = csrf_of(client.get("/login").text)
        response = client.post(
            "/login",
            data={"csrf_token": token, "username": "anna", "password": PASSWORD},
            follow_redirects=False,
        )
    assert "secure" in response.headers["set-cookie"].lower()


def test_sign_out_ends_the_session(client: TestClient):
    token = sign_in(client)
    assert client.post("/logout", data={"csrf_token": token}).url.path == "/login"
    assert client.get("/", follow_redirects=False).status_code == 303


def test_user_removed_from_config_loses_access(client: TestClient, config: Config):
    sign_in(client, "ben")
    assert client.get("/", follow_redirects=False).status_code == 200
    del config.upload.users["ben"]
    assert client.get("/", follow_redirects=False).status_code == 303


def test_repeated_failed_sign_ins_from_one_client_are_throttled(client: TestClient):
    token = csrf_of(client.get("/login").text)
    codes = [
        client.post(
            "/login", data={"csrf_token": token, "username": "anna", "password": "x"}
        ).status_code
        for _ in range(12)
    ]
    assert codes[:3] == [401, 401, 401]  # a few typos cost nothing
    assert 429 in codes  # then the delay doubles with each failure until it is refused
    response = client.post(
        "/login", data={"csrf_token": token, "username": "anna", "password": PASSWORD}
    )
    assert response.status_code == 429
    assert "Zu viele fehlgeschlagene Anmeldungen" in response.text
    # another user name from the same address is not locked out
    assert sign_in(client, "ben")


# -------------------------------------------------------------------- CSRF
def test_upload_without_or_with_a_wrong_csrf_token_is_rejected(client, config):
    sign_in(client)
    for token in [None, "", "x" * 43]:
        response = upload(client, token, [("notes.txt", CALL_NOTE)])
        assert response.status_code == 403
        assert "Das Formular ist abgelaufen oder ungültig" in response.text
    assert stored_files(config) == []


def test_csrf_token_of_another_session_is_rejected(config: Config):
    app = create_app(config)
    with TestClient(app) as anna, TestClient(app) as ben:
        sign_in(anna, "anna")
        bens_token = sign_in(ben, "ben")
        assert upload(anna, bens_token, [("notes.txt", CALL_NOTE)]).status_code == 403
    assert stored_files(config) == []


def test_every_form_has_a_csrf_token_and_every_post_checks_it(client: TestClient):
    login_page = client.get("/login").text
    assert len(CSRF.findall(login_page)) == login_page.count("<form")
    response = client.post("/login", data={"username": "anna", "password": PASSWORD})
    assert response.status_code == 403
    token = sign_in(client)
    page = client.get("/").text
    assert page.count("<form") == len(CSRF.findall(page)) == 3  # upload, process, sign out
    assert client.post("/process", data={}).status_code == 403
    assert client.post("/logout", data={"csrf_token": "nope"}).status_code == 403
    assert client.get("/", follow_redirects=False).status_code == 200  # still signed in
    assert token != csrf_of(login_page)  # a fresh token after sign-in


# ------------------------------------------------------- language and page
def test_german_by_default_english_when_the_browser_asks(client: TestClient):
    assert '<html lang="de">' in client.get("/login").text
    assert "Anmelden" in client.get("/login").text
    english = client.get("/login", headers={"Accept-Language": "en-US,en;q=0.9,de;q=0.8"})
    assert '<html lang="en">' in english.text and "Sign in" in english.text
    assert "Accept-Language" in english.headers["vary"]
    sign_in(client)
    page = client.get("/", headers={"Accept-Language": "en"}).text
    assert "Process now" in page and "Call note" in page and "Jetzt verarbeiten" not in page


@pytest.mark.parametrize(
    "header, expected",
    [
        (None, "de"),
        ("", "de"),
        ("fr-FR,fr;q=0.9", "de"),
        ("en", "en"),
        ("en-GB,de;q=0.9", "en"),
        ("de-DE,de;q=0.9,en;q=0.8", "de"),
        ("fr,en;q=0.7,de;q=0.5", "en"),
        ("en;q=0,de", "de"),
        ("en;q=abc", "de"),
    ],
)
def test_language_choice(header, expected):
    assert pick_language(header) == expected


def test_every_text_exists_in_both_languages():
    for key, texts in TEXTS.items():
        assert set(texts) == {"de", "en"}, key
        assert all(value.strip() for value in texts.values()), key


class _Fields(HTMLParser):
    """Collects form controls, labels and fieldset legends of a page."""

    def __init__(self):
        super().__init__()
        self.controls: list[dict[str, str]] = []
        self.label_for: set[str] = set()
        self.legends = 0
        self.fieldsets = 0

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag in ("input", "select", "textarea") and attrs.get("type") != "hidden":
            self.controls.append({"tag": tag, **attrs})
        if tag == "label" and attrs.get("for"):
            self.label_for.add(attrs["for"])
        self.legends += tag == "legend"
        self.fieldsets += tag == "fieldset"


@pytest.mark.parametrize("signed_in", [False, True])
def test_every_field_has_a_label(client: TestClient, signed_in: bool):
    if signed_in:
        sign_in(client)
    parser = _Fields()
    parser.feed(client.get("/" if signed_in else "/login").text)
    assert parser.controls
    for control in parser.controls:
        assert control.get("id") in parser.label_for, control
    assert parser.legends == parser.fieldsets
    assert 'name="viewport"' in client.get("/login").text  # phone width


def test_security_headers_and_no_caching_of_pages(client: TestClient):
    response = client.get("/login")
    assert "default-src 'self'" in response.headers["content-security-policy"]
    assert "frame-ancestors 'none'" in response.headers["content-security-policy"]
    assert response.headers["x-content-type-options"] == "nosniff"
    assert response.headers["cache-control"] == "no-store"
    assert client.get("/static/style.css").status_code == 200


def test_unknown_page_is_a_friendly_404(client: TestClient):
    response = client.get("/nichts-hier")
    assert response.status_code == 404 and "Diese Seite gibt es nicht." in response.text


# ------------------------------------------------------------------ uploads
def test_accepted_file_is_stored_under_a_generated_name_with_sidecar(client, config):
    token = sign_in(client)
    response = upload(
        client,
        token,
        [("notes.txt", CALL_NOTE)],
        source="call",
        account="Müller GmbH",
        date="2026-09-14",
        speaker_role="customer",
    )
    assert response.status_code == 200
    assert "1 Datei(en) empfangen, 0 abgelehnt." in response.text
    assert rows(response.text) == [{"status": "received", "name": "notes.txt"}]
    [stored] = data_files(config)
    assert stored.parent == Path(config.paths.inputs) / "calls"
    assert STORED_NAME.match(stored.name) and stored.suffix == ".txt"
    assert stored.read_bytes() == CALL_NOTE
    meta = json.loads(stored.with_name(stored.name + ".meta.json").read_text(encoding="utf-8"))
    assert meta.pop("uploaded_at").endswith("+00:00")
    assert meta == {
        "source": "call",
        "account": "Müller GmbH",
        "date": "2026-09-14",
        "speaker_role": "customer",
        "uploaded_by": "anna",
        "original_name": "notes.txt",
    }
    assert [p.name for p in stored.parent.iterdir() if p.name.startswith(".")] == []


def test_pasted_note_becomes_a_text_file(client, config):
    token = sign_in(client, "ben")
    text = "Kunde sagt: Die Schnittstelle zu SAP fehlt uns, äöü ß."
    response = upload(client, token, note=text, source="call")
    assert rows(response.text) == [{"status": "received", "name": "Eingefügte Notiz"}]
    [stored] = data_files(config)
    assert stored.suffix == ".txt" and stored.read_text(encoding="utf-8") == text
    meta = json.loads(stored.with_name(stored.name + ".meta.json").read_text(encoding="utf-8"))
    assert meta["original_name"] is None and meta["uploaded_by"] == "ben"
    assert meta["account"] is None and meta["date"] is None


def test_email_goes_to_the_email_folder(client, config):
    token = sign_in(client)
    upload(client, token, [("Frage.eml", EMAIL)], source="email")
    [stored] = data_files(config)
    assert stored.parent.name == "emails" and stored.suffix == ".eml"


HOSTILE_NAMES = [
    "../../etc/passwd",
    "../../etc/passwd.txt",
    "..\\..\\windows\\win.ini.txt",
    "/etc/cron.d/evil.txt",
    "C:\\Users\\anna\\notes.txt",
    "nul\x00byte.txt",
    "notes.txt\x00.exe",
    "a" * 250 + ".txt",
    "ä" * 1000 + ".txt",
    "<script>alert(1)</script>.txt",
    ".hidden.txt",
    "CON.txt",
]


def raw_upload(client: TestClient, token: str, name: bytes, content: bytes):
    """A multipart upload built byte by byte, so the file name arrives exactly as given."""
    boundary = "----grenze7"
    head = (
        f'--{boundary}\r\nContent-Disposition: form-data; name="csrf_token"\r\n\r\n{token}\r\n'
        f'--{boundary}\r\nContent-Disposition: form-data; name="source"\r\n\r\ncall\r\n'
        f'--{boundary}\r\nContent-Disposition: form-data; name="files"; filename="'
    ).encode()
    body = head + name + b'"\r\nContent-Type: text/plain\r\n\r\n' + content
    body += f"\r\n--{boundary}--\r\n".encode()
    return client.post(
        "/upload",
        content=body,
        headers={"Content-Type": f"multipart/form-data; boundary={boundary}"},
    )


@pytest.mark.parametrize("name", HOSTILE_NAMES)
def test_hostile_file_names_never_become_paths(client, config, tmp_path, name):
    token = sign_in(client)
    response = raw_upload(client, token, name.encode("utf-8"), CALL_NOTE)
    assert response.status_code == 200
    assert "<script>alert(1)</script>" not in response.text
    assert "Traceback" not in response.text
    everything = [p for p in tmp_path.rglob("*") if p.is_file()]
    inbox = Path(config.paths.inputs)
    outside = [p for p in everything if inbox not in p.parents and "work" not in p.parts]
    assert outside == []
    for path in data_files(config):
        assert STORED_NAME.match(path.name), path.name
        assert path.parent.parent == inbox
    listed = rows(response.text)
    if data_files(config):
        assert listed and listed[0]["status"] == "received"
        assert len(listed[0]["name"]) <= 130 and "/" not in listed[0]["name"]
    else:
        assert listed[0]["status"] == "rejected"


def test_file_name_beyond_the_multipart_header_limit_is_refused_clearly(client, config):
    token = sign_in(client)
    response = upload(client, token, [("a" * 5000 + ".txt", CALL_NOTE)])
    assert response.status_code == 400
    assert "extrem langen Dateinamens" in response.text
    assert stored_files(config) == []


def test_file_without_a_name_is_listed_as_such(client, config):
    token = sign_in(client)
    response = raw_upload(client, token, b"", CALL_NOTE)
    assert rows(response.text) == [{"status": "rejected", "name": "(Datei ohne Namen)"}]
    assert stored_files(config) == []


@pytest.mark.parametrize(
    "name, content",
    [
        ("bild.png", b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4),
        ("setup.exe", b"MZ\x90\x00" + bytes(200)),
        ("liste.csv", b"Datum,Firma,Notiz\n2026-09-01,Acme,Gut\n"),  # CRM file as a call note
    ],
)
def test_wrong_type_gets_a_clear_message_and_is_not_stored(client, config, name, content):
    token = sign_in(client)
    response = upload(client, token, [(name, content), ("gut.txt", CALL_NOTE)], source="call")
    assert "1 Datei(en) empfangen, 1 abgelehnt." in response.text
    notice = response.text.split('id="notice"')[1].split("</div>")[0]
    reason = re.search(rf"<strong>{re.escape(name)}</strong>: ([^<]+)</li>", notice)
    ext = Path(name).suffix
    assert reason and reason.group(1) == (
        f"Dateityp „{ext}“ passt nicht zu „Gesprächsnotiz“. "
        "Erlaubt: .txt .md .markdown .docx .pdf .vtt .srt."
    )
    assert [p.suffix for p in data_files(config)] == [".txt"]  # the good file beside it landed


def test_wrong_type_message_in_english(client, config):
    token = sign_in(client)
    client.headers["Accept-Language"] = "en"
    response = upload(client, token, [("offer.pdf", b"%PDF-1.4")], source="email")
    assert "File type “.pdf” does not fit “Email”. Allowed: .eml .msg .mbox." in response.text


@pytest.mark.parametrize("source", ["call", "crm", "email"])
def test_type_lists_on_the_page_match_what_the_ingest_accepts(source):
    """The page's per-source extension lists mirror ingest.validate_upload's type check."""
    for ext in sorted({*EXTENSIONS, ".pdf", ".png", ".doc", ".exe", ".json", ".html"}):
        reason = ingest.validate_upload("x" + ext, b"Kunde: Hallo", source, Config()) or ""
        assert ("unsupported file type" in reason) == (ext not in SOURCE_EXTENSIONS[source]), ext


def test_ingest_checks_beyond_the_type_are_applied(client, config):
    token = sign_in(client)
    response = upload(
        client, token, [("binär.txt", bytes(range(256)) * 8), ("kaputt.docx", b"kein Word")]
    )
    assert "0 Datei(en) empfangen, 2 abgelehnt." in response.text
    notice = response.text.split('id="notice"')[1].split("</div>")[0]
    reasons = re.findall(r"</strong>: ([^<]+)</li>", notice)
    assert len(reasons) == 2 and not any("passt nicht" in r for r in reasons)
    assert data_files(config) == []


def test_empty_file_is_rejected_with_a_reason(client, config):
    token = sign_in(client)
    response = upload(client, token, [("leer.txt", b"")])
    assert rows(response.text)[0] == {"status": "rejected", "name": "leer.txt"}
    assert "Die Datei ist leer." in response.text
    assert data_files(config) == []


@pytest.mark.parametrize(
    "fields, message",
    [
        ({"source": "fax"}, "Bitte wählen Sie die Art der Unterlagen."),
        ({"date": "14.09.2026"}, "Das Datum ist ungültig"),
        ({"date": "2026-02-30"}, "Das Datum ist ungültig"),
        ({"speaker_role": "boss"}, "Bitte wählen Sie, wessen Worte das sind."),
        ({"account": "x" * 201}, "Der Kundenname ist zu lang"),
    ],
)
def test_bad_form_values_are_explained_and_nothing_is_stored(client, config, fields, message):
    token = sign_in(client)
    response = upload(client, token, [("notes.txt", CALL_NOTE)], **fields)
    assert response.status_code == 400 and message in response.text
    assert stored_files(config) == []


def test_nothing_chosen_is_explained(client, config):
    token = sign_in(client)
    response = upload(client, token, [], note="   ")
    assert response.status_code == 400
    assert "Bitte wählen Sie eine Datei aus oder fügen Sie eine Notiz ein." in response.text


def test_same_name_twice_gives_two_files(client, config):
    token = sign_in(client)
    upload(client, token, [("notes.txt", b"Kunde: erste Fassung der Notiz")])
    upload(client, token, [("notes.txt", b"Kunde: zweite Fassung der Notiz")])
    contents = sorted(p.read_bytes() for p in data_files(config))
    assert contents == [b"Kunde: erste Fassung der Notiz", b"Kunde: zweite Fassung der Notiz"]


def test_each_user_sees_only_their_own_uploads(config: Config):
    app = create_app(config)
    with TestClient(app) as anna, TestClient(app) as ben:
        response = upload(anna, sign_in(anna, "anna"), [("notiz-a.txt", CALL_NOTE)])
        batch = response.url.params["batch"]
        sign_in(ben, "ben")
        page = ben.get("/", params={"batch": batch}).text  # even with anna's batch id
        assert "notiz-a.txt" not in page and "Noch nichts übergeben." in page
        assert "notiz-a.txt" in anna.get("/").text


# -------------------------------------------------------------- body limit
def _asgi_post(app, headers: list[tuple[bytes, bytes]], chunks, chunk_size: int):
    """Drive the ASGI app directly; returns (status, body bytes the app pulled)."""
    pulled = 0
    sent: list[dict] = []

    async def receive():
        nonlocal pulled
        try:
            chunk = next(chunks)
        except StopIteration:
            return {"type": "http.request", "body": b"", "more_body": False}
        pulled += len(chunk)
        return {"type": "http.request", "body": chunk, "more_body": True}

    async def send(message):
        sent.append(message)

    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "POST",
        "scheme": "http",
        "path": "/upload",
        "raw_path": b"/upload",
        "query_string": b"",
        "root_path": "",
        "headers": headers,
        "client": ("127.0.0.1", 5000),
        "server": ("testserver", 80),
    }
    asyncio.run(app(scope, receive, send))
    start = next(m for m in sent if m["type"] == "http.response.start")
    return start["status"], pulled


def _endless(chunk: bytes):
    while True:
        yield chunk


def test_oversized_declared_body_is_413_before_any_byte_is_read(config: Config):
    app = create_app(config)
    headers = [
        (b"content-type", b"multipart/form-data; boundary=x"),
        (b"content-length", str(10 * 1024**3).encode()),
    ]
    status, pulled = _asgi_post(app, headers, _endless(b"x" * 65536), 65536)
    assert status == 413 and pulled == 0


def test_oversized_streamed_body_is_cut_off_at_the_limit(client: TestClient, config: Config):
    sign_in(client)
    cookie = f"{SESSION_COOKIE}={client.cookies.get(SESSION_COOKIE)}".encode()
    limit = int(config.upload.max_upload_mb * 1024 * 1024)
    headers = [(b"content-type", b"multipart/form-data; boundary=x"), (b"cookie", cookie)]
    start = b'--x\r\nContent-Disposition: form-data; name="files"; filename="a.txt"\r\n\r\n'
    chunks = itertools.chain([start], _endless(b"y" * 65536))
    status, pulled = _asgi_post(client.app, headers, chunks, 65536)
    assert status == 413
    assert limit < pulled <= limit + 65536 + len(start)
    assert data_files(config) == []


def test_413_page_names_the_limit(client: TestClient):
    sign_in(client)
    response = client.post(
        "/upload", content=b"x" * (1024 * 1024 + 10), headers={"Content-Type": "text/plain"}
    )
    assert response.status_code == 413
    assert "höchstens 1 MB" in response.text


# ------------------------------------------------------------ server errors
def test_unexpected_error_shows_no_stack_trace(client: TestClient, config: Config):
    sign_in(client)
    with sqlite3.connect(config.store_path) as db:  # a real fault: the table is gone
        db.execute("DROP TABLE uploads")
    response = client.get("/")
    assert response.status_code == 500
    assert "Etwas ist schiefgegangen" in response.text
    for leak in ("Traceback", "sqlite", "OperationalError", "uploads", str(config.store_path)):
        assert leak not in response.text


# ------------------------------------------------------------- process now
def test_process_now_ingests_the_users_received_files(client: TestClient, config: Config):
    token = sign_in(client)
    upload(client, token, [("gespraech.txt", CALL_NOTE)], source="call", account="Müller GmbH")
    page = upload(client, token, [("frage.eml", EMAIL)], source="email").text
    assert {r["status"] for r in rows(page)} == {"received"}
    assert "2 Datei(en) warten auf die Verarbeitung." in page
    response = client.post("/process", data={"csrf_token": token})
    assert "Verarbeitet: 2 Datei(en) übernommen, 0 abgelehnt." in response.text
    assert sorted((r["name"], r["status"]) for r in rows(response.text)) == [
        ("frage.eml", "ingested"),
        ("gespraech.txt", "ingested"),
    ]
    assert "Alle Ihre Übergaben sind verarbeitet." in response.text
    inbox = Path(config.paths.inputs)
    stored = {p.relative_to(inbox).as_posix() for p in data_files(config)}
    store = Store(config.store_path)
    try:
        documents = list(store.iter_documents())
    finally:
        store.close()
    assert {d.file for d in documents} == stored
    [call] = [d for d in documents if d.source == "call"]
    assert call.account == "Müller GmbH"


def test_process_now_touches_only_the_users_own_files(config: Config):
    app = create_app(config)
    with TestClient(app) as anna, TestClient(app) as ben:
        upload(anna, sign_in(anna, "anna"), [("notiz-a.txt", CALL_NOTE)])
        bens_token = sign_in(ben, "ben")
        upload(ben, bens_token, [("anfrage-b.eml", EMAIL)], source="email")
        page = ben.post("/process", data={"csrf_token": bens_token}).text
        assert rows(page) == [{"status": "ingested", "name": "anfrage-b.eml"}]
        assert rows(anna.get("/").text) == [{"status": "received", "name": "notiz-a.txt"}]


def test_file_removed_from_the_inbox_is_reported_by_process_now(client, config):
    token = sign_in(client)
    upload(client, token, [("weg.txt", CALL_NOTE)])
    [stored] = data_files(config)
    stored.unlink()
    page = client.post("/process", data={"csrf_token": token}).text
    assert "0 Datei(en) übernommen, 1 abgelehnt." in page
    assert "Die Datei liegt nicht mehr im Eingang." in page
    assert rows(page) == [{"status": "rejected", "name": "weg.txt"}]


def test_pasted_notes_become_the_file_each_source_reads(client: TestClient, config: Config):
    token = sign_in(client)
    crm_note = 'Kunde fragt nach einer Schnittstelle zu SAP, "sofort".\nZweite Zeile.'
    body = "Hallo,\nwas kostet eine Lizenz pro Nutzer für die Schnittstelle zu SAP?\nGrüße"
    headed = "From: kunde@beispiel.de\nSubject: Preisfrage\n\nWas kostet die Lizenz pro Nutzer?"
    upload(client, token, note=crm_note, source="crm", account="Acme AG", date="2026-09-01")
    upload(client, token, note=body, source="email", date="2026-09-02")
    upload(client, token, note=headed, source="email")
    files = {p.suffix: p for p in data_files(config)}
    assert sorted(p.suffix for p in data_files(config)) == [".csv", ".eml", ".eml"]
    csv_text = files[".csv"].read_text(encoding="utf-8")
    assert csv_text.startswith("date,account,text\n2026-09-01,Acme AG,")
    emails = sorted(p.read_bytes() for p in data_files(config) if p.suffix == ".eml")
    assert any(e.startswith(b"From: kunde@beispiel.de") for e in emails)
    assert any(b"Date: Wed, 02 Sep 2026" in e for e in emails)
    page = client.post("/process", data={"csrf_token": token}).text
    assert [r["status"] for r in rows(page)] == ["ingested"] * 3
