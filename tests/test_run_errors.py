"""`kundensprache run` when Search Console cannot be used: a short message, exit code 3.

Through the real CLI with real Prefect (the test server) and the real
google-api-python-client against the local fake Search Console. Each failure must end the
run before anything is written: no traceback (Prefect logs failed tasks with one), no month
folder. Output is captured at the file-descriptor level, so Prefect's console log counts too.
"""

from __future__ import annotations

import json
import shutil
import socket
from datetime import date

import pytest
from fake_search_console import FakeSearchConsole

from kundensprache import cli
from kundensprache.core.errors import EXIT_SERVICE
from kundensprache.core.months import Month
from kundensprache.sample_data import SAMPLE_CONFIG, SAMPLE_DIR, SAMPLE_MONTH

ROBOT = "kundensprache@nordwerk-seo.iam.gserviceaccount.com"
PROPERTY = "sc-domain:nordwerk-software.de"


@pytest.fixture(scope="module")
def fake():
    with FakeSearchConsole() as server:
        server.add_property(PROPERTY, FakeSearchConsole.make_rows(30), readers=[ROBOT])
        yield server


@pytest.fixture(scope="module")
def inbox(tmp_path_factory):
    folder = tmp_path_factory.mktemp("inbox") / "inputs"
    shutil.copytree(SAMPLE_DIR / "calls", folder / "calls")
    return folder


def closed_port_url() -> str:
    """A local address nothing listens on: connections are refused at once."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    return f"http://127.0.0.1:{port}/"


def run(tmp_path, inbox, *, key: dict | str | None, api_endpoint: str, month=SAMPLE_MONTH):
    """`kundensprache run` with a service-account key (dict: JSON, str: raw file content,
    None: no file at the configured path); returns (exit code, outputs folder)."""
    key_file = tmp_path / "service-account.json"
    if isinstance(key, dict):
        key_file.write_text(json.dumps(key), encoding="utf-8")
    elif isinstance(key, str):
        key_file.write_text(key, encoding="utf-8")
    config = tmp_path / "kundensprache.toml"
    config.write_text(
        SAMPLE_CONFIG.read_text(encoding="utf-8")
        + f'\n[paths]\nwork = "work"\n[search_console]\nproperty = "{PROPERTY}"\n'
        f'credentials_file = "service-account.json"\napi_endpoint = "{api_endpoint}"\n',
        encoding="utf-8",
    )
    outputs = tmp_path / "outputs"
    code = cli.main(
        [
            "run",
            "--month",
            str(month),
            "--inputs",
            str(inbox),
            "--outputs",
            str(outputs),
            "--config",
            str(config),
        ]  # fmt: skip
    )
    return code, outputs


def assert_clean_failure(code, outputs, month, capfd, *expected):
    out, err = capfd.readouterr()
    text = out + err
    assert code == EXIT_SERVICE, text
    assert "Traceback" not in text, text
    lines = err.strip().splitlines()
    assert 1 <= len(lines) <= 2 and lines[0].startswith("kundensprache: "), text
    assert not out.strip(), text
    for word in expected:
        assert word in err, text
    assert not (outputs / str(month)).exists()
    assert not (outputs / "latest").exists()
    return err


def test_quota_exhausted(fake, inbox, tmp_path, prefect_server, capfd):
    fake.quota_exceeded = True
    try:
        code, outputs = run(tmp_path, inbox, key=fake.service_account_key(ROBOT),
                            api_endpoint=fake.url)  # fmt: skip
    finally:
        fake.quota_exceeded = False
    assert_clean_failure(code, outputs, SAMPLE_MONTH, capfd, "quota", "run again later")


def test_no_access_to_the_property(fake, inbox, tmp_path, prefect_server, capfd):
    stranger = "stranger@fake-project.iam.gserviceaccount.com"
    code, outputs = run(tmp_path, inbox, key=fake.service_account_key(stranger),
                        api_endpoint=fake.url)  # fmt: skip
    assert_clean_failure(code, outputs, SAMPLE_MONTH, capfd, stranger, PROPERTY, "Add user")


def test_month_not_final(fake, inbox, tmp_path, prefect_server, capfd):
    running = Month.of(date.today())
    code, outputs = run(tmp_path, inbox, key=fake.service_account_key(ROBOT),
                        api_endpoint=fake.url, month=running)  # fmt: skip
    assert_clean_failure(code, outputs, running, capfd, "not final", str(running))


def test_missing_key_file(fake, inbox, tmp_path, prefect_server, capfd):
    code, outputs = run(tmp_path, inbox, key=None, api_endpoint=fake.url)
    assert_clean_failure(code, outputs, SAMPLE_MONTH, capfd, "service-account.json", "not found")


def test_unreadable_key_file(fake, inbox, tmp_path, prefect_server, capfd):
    code, outputs = run(tmp_path, inbox, key="{not json at all", api_endpoint=fake.url)
    err = assert_clean_failure(code, outputs, SAMPLE_MONTH, capfd, "service-account.json")
    assert "JSON" in err


def test_unreachable_token_endpoint(fake, inbox, tmp_path, prefect_server, capfd):
    key = {**fake.service_account_key(ROBOT), "token_uri": closed_port_url() + "token"}
    code, outputs = run(tmp_path, inbox, key=key, api_endpoint=fake.url)
    assert_clean_failure(code, outputs, SAMPLE_MONTH, capfd, "could not reach")


def test_unreachable_api_endpoint(fake, inbox, tmp_path, prefect_server, capfd):
    code, outputs = run(tmp_path, inbox, key=fake.service_account_key(ROBOT),
                        api_endpoint=closed_port_url())  # fmt: skip
    assert_clean_failure(code, outputs, SAMPLE_MONTH, capfd, "could not reach")
