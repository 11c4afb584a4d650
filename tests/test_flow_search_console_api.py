"""`kundensprache run` with a service-account key and a property, and no other step.

The real google-api-python-client talks HTTP to the local fake Search Console (the same one
the client's own tests use); the key's token_uri points there too, so sign-in is real JWT.
"""

from __future__ import annotations

import csv
import io
import json
import shutil

import pytest
from fake_search_console import FakeSearchConsole

from kundensprache import cli
from kundensprache.sample_data import SAMPLE_CONFIG, SAMPLE_DIR, SAMPLE_MONTH
from kundensprache.search_console.export import read_export
from kundensprache.store import Store

ROBOT = "kundensprache@nordwerk-seo.iam.gserviceaccount.com"
PROPERTY = "sc-domain:nordwerk-software.de"


def api_rows_from_sample() -> list[dict]:
    """The sample's UI export as API rows (query + page), split over two pages per query."""
    rows = []
    for r in read_export(SAMPLE_DIR / "search_console" / "Abfragen.csv"):
        slug = r.query.replace(" ", "-")
        main = r.impressions - r.impressions // 5
        for page, imp in (
            (f"https://www.nordwerk-software.de/{slug}", main),
            ("https://www.nordwerk-software.de/blog/", r.impressions - main),
        ):
            clicks = round(r.clicks * imp / r.impressions) if r.impressions else 0
            rows.append(
                {
                    "keys": [r.query, page],
                    "clicks": clicks,
                    "impressions": imp,
                    "ctr": clicks / imp if imp else 0.0,
                    "position": r.position,
                }
            )
    return rows


@pytest.fixture(scope="module")
def api_run(tmp_path_factory, prefect_server):
    base = tmp_path_factory.mktemp("api")
    inbox = base / "inputs"
    for sub in ("calls", "crm", "emails"):  # no UI export: figures must come from the API
        shutil.copytree(SAMPLE_DIR / sub, inbox / sub)
    with FakeSearchConsole() as fake:
        fake.add_property(PROPERTY, api_rows_from_sample(), readers=[ROBOT])
        key = base / "service-account.json"
        key.write_text(json.dumps(fake.service_account_key(ROBOT)), encoding="utf-8")
        config = base / "kundensprache.toml"
        config.write_text(
            SAMPLE_CONFIG.read_text(encoding="utf-8")
            + f'\n[paths]\nwork = "work"\n[search_console]\nproperty = "{PROPERTY}"\n'
            f'credentials_file = "service-account.json"\napi_endpoint = "{fake.url}"\n',
            encoding="utf-8",
        )
        args = [
            "run",
            "--month",
            SAMPLE_MONTH,
            "--inputs",
            str(inbox),
            "--outputs",
            str(base / "outputs"),
            "--config",
            str(config),
        ]
        assert cli.main(args) == 0
        first_calls = len(fake.queries(PROPERTY))
        assert cli.main(args) == 0  # the re-run reads the stored response
        second_calls = len(fake.queries(PROPERTY))
        bodies = [q.body for q in fake.queries(PROPERTY)]
    folder = base / "outputs" / SAMPLE_MONTH
    return {
        "folder": folder,
        "base": base,
        "bodies": bodies,
        "calls": (first_calls, second_calls),
        "config_text": config.read_text(encoding="utf-8"),
    }


def read(folder, name):
    return list(csv.DictReader(io.StringIO((folder / name).read_text(encoding="utf-8"))))


def test_candidates_carry_api_figures_and_top_pages(api_run):
    rows = {r["keyword"]: r for r in read(api_run["folder"], "keyword_candidates.csv")}
    crm = rows["CRM für Handwerker"]
    assert crm["opportunity"] == "striking_distance"
    assert crm["gsc_query"] == "crm für handwerker"
    assert crm["top_page"] == "https://www.nordwerk-software.de/crm-für-handwerker"
    assert rows["Schnittstelle zu DATEV"]["opportunity"] == "gap"
    assert rows["Lagerverwaltungssoftware"]["opportunity"] == "low_ctr"


def test_the_month_was_queried_once_with_final_data(api_run):
    first, second = api_run["calls"]
    assert first >= 1 and second == first
    body = api_run["bodies"][0]
    assert body["startDate"] == f"{SAMPLE_MONTH}-01" and body["endDate"] == f"{SAMPLE_MONTH}-31"
    assert body["dimensions"] == ["query", "page"]
    assert body["dataState"] == "final"


def test_no_credentials_in_outputs_config_or_store_rows(api_run):
    assert "private_key" not in api_run["config_text"]
    key = json.loads((api_run["base"] / "service-account.json").read_text(encoding="utf-8"))
    secret = key["private_key"].splitlines()[1]
    for path in api_run["folder"].rglob("*"):
        if path.is_file() and path.suffix != ".xlsx":  # the workbook is zip-compressed
            assert secret not in path.read_text(encoding="utf-8")
    store = Store(api_run["base"] / "work" / "kundensprache.sqlite")
    try:
        assert store.table_counts()["gsc_responses"] == 1
    finally:
        store.close()
    assert secret not in (api_run["base"] / "work" / "kundensprache.sqlite").read_bytes().decode(
        "latin-1"
    )
