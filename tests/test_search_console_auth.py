"""Credentials for Search Console: service-account key, Prefect Secret block, OAuth login.

Each source is exercised for real against the local fake (tests/fake_search_console.py): the
fake verifies the JWT signature of a service-account key, runs the OAuth consent redirect and
code exchange (with PKCE), and only answers API calls that carry a token it issued.
"""

from __future__ import annotations

import json
import stat
import uuid
from datetime import date

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from fake_search_console import SCOPE, FakeSearchConsole, register_fake_browser

from kundensprache.core.config import SearchConsoleConfig
from kundensprache.search_console.auth import load_credentials, oauth_login
from kundensprache.search_console.client import SearchConsoleError, build_service, fetch_rows

ROBOT = "kundensprache-robot@fake-project.iam.gserviceaccount.com"
PROP = "sc-domain:example.de"
MAY = (date(2024, 5, 1), date(2024, 5, 31))


@pytest.fixture
def fake():
    with FakeSearchConsole() as server:
        server.add_property(PROP, FakeSearchConsole.make_rows(3), readers=[ROBOT])
        yield server


@pytest.fixture(autouse=True)
def _no_home_token(tmp_path, monkeypatch):
    """The default OAuth token file lives under HOME: keep a developer's own out of the tests."""
    monkeypatch.setenv("HOME", str(tmp_path / "home"))


def _write(path, content) -> str:
    path.write_text(content if isinstance(content, str) else json.dumps(content), "utf-8")
    return str(path)


def _fetch(cfg: SearchConsoleConfig, creds, account: str) -> list[dict]:
    return fetch_rows(build_service(cfg, creds), PROP, *MAY, account=account, sleep=lambda s: None)


# ------------------------------------------------------------------------ service account
def test_service_account_key_signs_in_end_to_end(fake, tmp_path):
    key = fake.service_account_key(ROBOT)
    cfg = SearchConsoleConfig(
        property=PROP,
        credentials_file=_write(tmp_path / "key.json", key),
        api_endpoint=fake.url,
    )

    creds, account = load_credentials(cfg)
    rows = _fetch(cfg, creds, account)

    assert account == ROBOT
    assert len(rows) == 3
    token_requests = [r for r in fake.requests if r.endpoint == "token"]
    assert len(token_requests) == 1 and token_requests[0].status == 200
    assert token_requests[0].body["grant_type"] == "urn:ietf:params:oauth:grant-type:jwt-bearer"
    assert {q.account for q in fake.queries()} == {ROBOT}


def test_key_the_fake_does_not_know_is_refused_readably(fake, tmp_path):
    key = fake.service_account_key(ROBOT)
    other = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    key["private_key"] = other.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    ).decode("ascii")
    cfg = SearchConsoleConfig(credentials_file=_write(tmp_path / "k.json", key),
                              api_endpoint=fake.url)  # fmt: skip

    creds, account = load_credentials(cfg)
    with pytest.raises(SearchConsoleError, match="Could not sign in") as info:
        _fetch(cfg, creds, account)

    message = str(info.value)
    assert ROBOT in message and "Invalid JWT Signature" in message
    assert "PRIVATE KEY" not in message and key["private_key_id"] not in message
    assert fake.queries() == []


def test_no_credentials_configured_says_what_to_set():
    with pytest.raises(SearchConsoleError) as info:
        load_credentials(SearchConsoleConfig(property=PROP))
    message = str(info.value)
    for hint in ("credentials_file", "secret_block", "kundensprache auth"):
        assert hint in message


def test_missing_key_file_is_named(tmp_path):
    missing = tmp_path / "nowhere" / "key.json"
    with pytest.raises(SearchConsoleError, match="file not found") as info:
        load_credentials(SearchConsoleConfig(credentials_file=str(missing)))
    assert str(missing) in str(info.value)


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        ("{not json", "not a valid JSON file"),
        ("[1, 2]", "expected a JSON object"),
        ({"installed": {"client_id": "x"}}, "OAuth client secrets file"),
        ({"type": "authorized_user", "refresh_token": "r"}, "not a service-account key"),
        ({"type": "service_account", "client_email": ROBOT}, "lacks private_key, token_uri"),
    ],
)
def test_unusable_key_files_get_a_clear_message(tmp_path, content, expected):
    path = _write(tmp_path / "key.json", content)
    with pytest.raises(SearchConsoleError, match=expected) as info:
        load_credentials(SearchConsoleConfig(credentials_file=path))
    assert path in str(info.value)


def test_damaged_private_key_is_reported_without_quoting_it(fake, tmp_path):
    key = fake.service_account_key(ROBOT)
    body = key["private_key"].splitlines()
    key["private_key"] = "\n".join([body[0], *body[1:4], body[-1]])  # truncated key
    path = _write(tmp_path / "key.json", key)

    with pytest.raises(SearchConsoleError, match="private key could not be read") as info:
        load_credentials(SearchConsoleConfig(credentials_file=path))

    message = str(info.value)
    assert path in message and ROBOT in message
    assert body[1] not in message and "BEGIN" not in message


# ------------------------------------------------------------------------ Prefect Secret
def test_prefect_secret_block_holds_the_key(fake, prefect_server):
    from prefect.blocks.system import Secret

    name = f"gsc-key-{uuid.uuid4().hex[:8]}"
    Secret(value=json.dumps(fake.service_account_key(ROBOT))).save(name)
    cfg = SearchConsoleConfig(property=PROP, secret_block=name, api_endpoint=fake.url)

    creds, account = load_credentials(cfg)
    assert account == ROBOT
    assert len(_fetch(cfg, creds, account)) == 3

    with pytest.raises(SearchConsoleError, match="Prefect Secret block 'no-such-block'"):
        load_credentials(SearchConsoleConfig(secret_block="no-such-block"))

    Secret(value="this is not a key").save(name + "-text")
    with pytest.raises(SearchConsoleError, match="not valid JSON"):
        load_credentials(SearchConsoleConfig(secret_block=name + "-text"))


# ------------------------------------------------------------------------ OAuth
def test_oauth_login_stores_a_private_token_that_then_reads_the_property(
    fake, tmp_path, monkeypatch
):
    monkeypatch.setenv("OAUTHLIB_INSECURE_TRANSPORT", "1")  # the fake speaks http, not https
    fake.oauth_user = "seo@example.de"
    fake.grant("seo@example.de", PROP)
    token_file = tmp_path / "secrets" / "gsc-token.json"
    cfg = SearchConsoleConfig(
        property=PROP,
        oauth_client_file=_write(tmp_path / "client.json", fake.oauth_client_config()),
        oauth_token_file=str(token_file),
        api_endpoint=fake.url,
    )

    written = oauth_login(cfg, browser=register_fake_browser())

    assert written == token_file
    assert stat.S_IMODE(token_file.stat().st_mode) == 0o600
    saved = json.loads(token_file.read_text("utf-8"))
    assert saved["refresh_token"].startswith("1//fake-") and SCOPE in saved["scopes"]
    assert [r.endpoint for r in fake.requests] == ["auth", "token"]
    assert fake.requests[0].body["code_challenge_method"] == "S256"

    creds, account = load_credentials(cfg)
    assert str(token_file) in account
    assert len(_fetch(cfg, creds, account)) == 3
    assert {q.account for q in fake.queries()} == {"seo@example.de"}


def test_oauth_token_in_the_default_place_is_found(fake, tmp_path, monkeypatch):
    monkeypatch.setenv("OAUTHLIB_INSECURE_TRANSPORT", "1")
    fake.grant(fake.oauth_user, PROP)
    cfg = SearchConsoleConfig(
        property=PROP,
        oauth_client_file=_write(tmp_path / "client.json", fake.oauth_client_config()),
        api_endpoint=fake.url,
    )
    written = oauth_login(cfg, browser=register_fake_browser())
    assert written.is_relative_to(tmp_path / "home")

    creds, account = load_credentials(SearchConsoleConfig(property=PROP, api_endpoint=fake.url))
    assert len(_fetch(cfg, creds, account)) == 3


def test_oauth_errors_say_what_to_do(fake, tmp_path):
    with pytest.raises(SearchConsoleError, match="run `kundensprache auth` first"):
        load_credentials(SearchConsoleConfig(oauth_token_file=str(tmp_path / "token.json")))
    with pytest.raises(SearchConsoleError, match="oauth_client_file is not set"):
        oauth_login(SearchConsoleConfig())
    key = _write(tmp_path / "key.json", fake.service_account_key(ROBOT))
    with pytest.raises(SearchConsoleError, match="not an OAuth client secrets file") as info:
        oauth_login(SearchConsoleConfig(oauth_client_file=key))
    assert key in str(info.value)
    bad_token = _write(tmp_path / "bad-token.json", {"token": "x"})
    with pytest.raises(SearchConsoleError, match="not an OAuth token file"):
        load_credentials(SearchConsoleConfig(oauth_token_file=bad_token))
