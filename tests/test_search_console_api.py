"""The real Search Console client against a real local HTTP server (tests/fake_search_console.py).

Nothing here is mocked on the client side: google-api-python-client builds the service from its
bundled discovery document, google-auth signs a JWT with a throwaway key and exchanges it at the
fake's token endpoint, and every request crosses a socket.
"""

from __future__ import annotations

import json
import random
from datetime import date, timedelta

import pytest
from fake_search_console import FakeSearchConsole

from kundensprache.core.config import SearchConsoleConfig
from kundensprache.core.months import MonthError
from kundensprache.search_console.client import (
    NoAccessError,
    QuotaExceededError,
    SearchConsoleError,
    build_service,
    fetch_month,
    fetch_rows,
    last_complete_month,
    query_rows_from_api,
    report_range,
)
from kundensprache.store import Store

ROBOT = "kundensprache-robot@fake-project.iam.gserviceaccount.com"
PROP = "sc-domain:example.de"
MONTH = "2024-05"
TODAY = date(2024, 6, 10)
MAY = (date(2024, 5, 1), date(2024, 5, 31))


@pytest.fixture
def fake():
    with FakeSearchConsole() as server:
        yield server


@pytest.fixture
def cfg(fake, tmp_path) -> SearchConsoleConfig:
    key = tmp_path / "robot-key.json"
    key.write_text(json.dumps(fake.service_account_key(ROBOT)), encoding="utf-8")
    return SearchConsoleConfig(property=PROP, credentials_file=str(key), api_endpoint=fake.url)


@pytest.fixture
def store(tmp_path):
    db = Store(tmp_path / "work" / "kundensprache.sqlite")
    yield db
    db.close()


class Sleeps(list):
    """Records the delays the client asks for instead of sleeping."""

    def __call__(self, seconds: float) -> None:
        self.append(seconds)


def _stored(store: Store) -> int:
    return store.table_counts()["gsc_responses"]


# ------------------------------------------------------------------------------ paging
def test_all_rows_arrive_exactly_once_across_pages(fake, cfg, store):
    served = FakeSearchConsole.make_rows(60_001)
    fake.add_property(PROP, served, readers=[ROBOT])
    seen: list[int] = []

    rows = fetch_month(cfg, MONTH, store, today=TODAY, progress=seen.append, sleep=Sleeps())

    assert len(rows) == 60_001
    assert sorted(tuple(r["keys"]) for r in rows) == sorted(tuple(r["keys"]) for r in served)
    bodies = [q.body for q in fake.queries(PROP)]
    assert [b["startRow"] for b in bodies] == [0, 25_000, 50_000, 60_001]  # + the empty page
    assert {b["rowLimit"] for b in bodies} == {25_000}
    first = bodies[0]
    assert (first["startDate"], first["endDate"]) == ("2024-05-01", "2024-05-31")
    assert first["dimensions"] == ["query", "page"]
    assert first["dataState"] == "final" and first["type"] == "web"
    assert "dimensionFilterGroups" not in first
    assert seen == [25_000, 50_000, 60_001]
    assert fake.bad_requests == []
    stored = store.get_gsc_rows(PROP, "2024-05-01", "2024-05-31", _key_of(store))
    assert stored == rows
    assert {q.query for q in query_rows_from_api(rows[:3])} == {r["keys"][0] for r in served[:3]}


def _key_of(store: Store) -> str:
    (key,) = store.gsc_request_keys()
    return key


def test_url_prefix_property_reaches_the_right_site(fake, cfg, store):
    prop = "https://www.example.de/"
    fake.add_property(prop, FakeSearchConsole.make_rows(3), readers=[ROBOT])
    cfg.property = prop

    rows = fetch_month(cfg, MONTH, store, today=TODAY)

    assert len(rows) == 3
    assert {q.site for q in fake.queries()} == {prop}


def test_property_without_rows_is_an_empty_cached_result(fake, cfg, store):
    fake.add_property(PROP, [], readers=[ROBOT])
    assert fetch_month(cfg, MONTH, store, today=TODAY) == []
    assert fetch_month(cfg, MONTH, store, today=TODAY) == []
    assert len(fake.queries()) == 1


# ------------------------------------------------------------------------------ retries
def test_429_and_5xx_are_retried_with_growing_jittered_delays(fake, cfg, store):
    served = FakeSearchConsole.make_rows(30_000)
    fake.add_property(PROP, served, readers=[ROBOT])
    fake.fail_next(429, 503, 500, "rate_403")  # first page: four transient failures
    fake.fail_next(503, at_row=25_000)  # second page: one more
    sleeps = Sleeps()

    rows = fetch_month(cfg, MONTH, store, today=TODAY, sleep=sleeps, rng=random.Random(7))

    assert len(rows) == 30_000
    assert len({tuple(r["keys"]) for r in rows}) == 30_000
    statuses = [(q.body["startRow"], q.status) for q in fake.queries()]
    assert statuses == [
        (0, 429), (0, 503), (0, 500), (0, 403), (0, 200),
        (25_000, 503), (25_000, 200), (30_000, 200),
    ]  # fmt: skip
    assert len(sleeps) == 5
    first_page = sleeps[:4]
    for attempt, delay in enumerate(first_page):  # exponential: [2^n, 2^(n+1)) with jitter
        assert 2**attempt <= delay < 2 ** (attempt + 1)
    assert first_page == sorted(first_page)
    assert 1 <= sleeps[4] < 2  # a new request starts its backoff afresh
    assert _stored(store) == 1


def test_jitter_differs_between_runs_but_is_reproducible_with_a_seed(fake, cfg):
    fake.add_property(PROP, FakeSearchConsole.make_rows(2), readers=[ROBOT])
    service = build_service(cfg)
    runs = []
    for seed in (1, 2, 1):
        fake.fail_next(503, 503)
        sleeps = Sleeps()
        fetch_rows(service, PROP, *MAY, sleep=sleeps, rng=random.Random(seed))
        runs.append(list(sleeps))
    assert runs[0] == runs[2]
    assert runs[0] != runs[1]


def test_gives_up_after_max_retries_and_stores_nothing(fake, cfg, store):
    fake.add_property(PROP, FakeSearchConsole.make_rows(10), readers=[ROBOT])
    fake.fail_next(503, 503, 503)
    sleeps = Sleeps()

    with pytest.raises(SearchConsoleError) as info:
        fetch_month(cfg, MONTH, store, today=TODAY, sleep=sleeps, max_retries=2)

    message = str(info.value)
    assert "503" in message and "gave up after 2 retries" in message
    assert "currently unavailable" in message
    assert len(sleeps) == 2 and len(fake.queries()) == 3
    assert _stored(store) == 0


def test_retry_after_header_is_honoured(fake, cfg, store):
    fake.add_property(PROP, FakeSearchConsole.make_rows(2), readers=[ROBOT])
    fake.fail_next(429, retry_after=30)
    sleeps = Sleeps()
    assert len(fetch_month(cfg, MONTH, store, today=TODAY, sleep=sleeps)) == 2
    assert sleeps == [30.0]


def test_connection_failures_are_retried_then_reported(fake, cfg):
    fake.add_property(PROP, FakeSearchConsole.make_rows(2), readers=[ROBOT])
    service = build_service(cfg)
    assert len(fetch_rows(service, PROP, *MAY)) == 2  # signed in; the token stays valid
    fake.close()
    sleeps = Sleeps()
    with pytest.raises(SearchConsoleError, match="gave up after 2 retries: could not reach"):
        fetch_rows(service, PROP, *MAY, sleep=sleeps, max_retries=2)
    assert len(sleeps) == 2


# ------------------------------------------------------------------------------ errors
def test_no_access_names_account_and_property_and_lists_readable_ones(fake, cfg, store):
    fake.add_property(PROP, FakeSearchConsole.make_rows(5))  # robot not a user here
    fake.add_property("https://www.example.de/", [], readers=[ROBOT])
    fake.add_property("sc-domain:kunde.de", [], readers=[ROBOT], level="siteRestrictedUser")
    fake.add_property("sc-domain:fremd.de", [], readers=[ROBOT], level="siteUnverifiedUser")
    sleeps = Sleeps()

    with pytest.raises(NoAccessError) as info:
        fetch_month(cfg, MONTH, store, today=TODAY, sleep=sleeps)

    err = info.value
    message = str(err)
    assert ROBOT in message and repr(PROP) in message
    assert "'https://www.example.de/'" in message and "'sc-domain:kunde.de'" in message
    assert "fremd.de" not in message  # unverified: cannot read its data
    assert "Did you mean 'https://www.example.de/'" in message
    assert "Users and permissions" in message
    assert err.account == ROBOT and err.property == PROP
    assert err.readable == ["https://www.example.de/", "sc-domain:kunde.de"]
    assert sleeps == [] and len(fake.queries()) == 1  # not retried
    assert [r.endpoint for r in fake.requests if r.endpoint == "sites.list"] == ["sites.list"]
    assert _stored(store) == 0


def test_no_access_for_an_account_without_any_property(fake, cfg, store):
    fake.add_property(PROP, FakeSearchConsole.make_rows(5))
    with pytest.raises(NoAccessError, match="cannot read any property yet") as info:
        fetch_month(cfg, MONTH, store, today=TODAY)
    assert ROBOT in str(info.value) and info.value.readable == []


@pytest.mark.parametrize("fault", ["quota", "quota_429"])
def test_quota_error_stops_at_once_with_a_clear_message_and_nothing_stored(fake, cfg, store, fault):
    fake.add_property(PROP, FakeSearchConsole.make_rows(60_001), readers=[ROBOT])
    fake.fail_next(fault, at_row=25_000)  # the quota runs out on the second page
    sleeps = Sleeps()

    with pytest.raises(QuotaExceededError) as info:
        fetch_month(cfg, MONTH, store, today=TODAY, sleep=sleeps)

    message = str(info.value)
    assert "quota exceeded" in message.lower() and "load quota exceeded" in message
    assert repr(PROP) in message and "2024-05-01..2024-05-31" in message
    assert "nothing was stored" in message and "after 25000 rows" in message
    assert sleeps == []  # quota is not retried
    assert [q.body["startRow"] for q in fake.queries()] == [0, 25_000]
    assert _stored(store) == 0

    # The next run (quota back) fetches the whole month from the start.
    rows = fetch_month(cfg, MONTH, store, today=TODAY)
    assert len(rows) == 60_001 and _stored(store) == 1


def test_quota_flag_fails_every_query(fake, cfg, store):
    fake.add_property(PROP, FakeSearchConsole.make_rows(5), readers=[ROBOT])
    fake.quota_exceeded = True
    with pytest.raises(QuotaExceededError, match="after 0 rows"):
        fetch_month(cfg, MONTH, store, today=TODAY, sleep=Sleeps())
    assert _stored(store) == 0


def test_api_not_enabled_is_not_mistaken_for_missing_access(fake, cfg, store):
    fake.add_property(PROP, FakeSearchConsole.make_rows(2), readers=[ROBOT])
    fake.fail_next("disabled")
    with pytest.raises(SearchConsoleError, match="API is not enabled") as info:
        fetch_month(cfg, MONTH, store, today=TODAY, sleep=Sleeps())
    assert not isinstance(info.value, NoAccessError)
    assert ROBOT in str(info.value) and "has not been used in project" in str(info.value)
    assert not [r for r in fake.requests if r.endpoint == "sites.list"]


def test_error_messages_carry_no_secrets(fake, cfg, store):
    key = json.loads(open(cfg.credentials_file, encoding="utf-8").read())
    fake.add_property(PROP, FakeSearchConsole.make_rows(5))
    with pytest.raises(NoAccessError) as info:
        fetch_month(cfg, MONTH, store, today=TODAY)
    message = str(info.value)
    assert key["private_key_id"] not in message and "PRIVATE KEY" not in message
    assert "ya29." not in message  # no access token either


# ------------------------------------------------------------------------------ cache
def test_second_fetch_of_a_month_comes_from_the_store_and_refresh_queries_again(fake, cfg, store):
    fake.add_property(PROP, FakeSearchConsole.make_rows(40_000), readers=[ROBOT])
    first = fetch_month(cfg, MONTH, store, today=TODAY)
    calls = len(fake.requests)

    again = fetch_month(cfg, MONTH, store, today=TODAY)
    assert again == first
    assert len(fake.requests) == calls  # no token request, no query

    fake.add_property(PROP, FakeSearchConsole.make_rows(7, prefix="neu"), readers=[ROBOT])
    cfg.refresh = True
    refreshed = fetch_month(cfg, MONTH, store, today=TODAY)
    assert len(refreshed) == 7 and refreshed[0]["keys"][0] == "neu 0"
    assert len(fake.requests) > calls
    cfg.refresh = False
    assert fetch_month(cfg, MONTH, store, today=TODAY) == refreshed  # store was replaced
    assert _stored(store) == 1


def test_other_month_and_other_filters_are_cached_separately(fake, cfg, store):
    fake.add_property(PROP, FakeSearchConsole.make_rows(3), readers=[ROBOT])
    fetch_month(cfg, "2024-05", store, today=TODAY)
    fetch_month(cfg, "2024-04", store, today=TODAY)
    cfg.device = "mobile"
    fetch_month(cfg, "2024-05", store, today=TODAY)
    assert _stored(store) == 3
    assert len([q for q in fake.queries() if q.body["startRow"] == 0]) == 3


# ------------------------------------------------------------------------------ filters
def test_country_and_device_filters_appear_in_the_request_body(fake, cfg, store):
    fake.add_property(PROP, FakeSearchConsole.make_rows(3), readers=[ROBOT])
    cfg.country, cfg.device = "DEU", "Mobile"

    fetch_month(cfg, MONTH, store, today=TODAY)

    assert fake.bad_requests == []
    for query in fake.queries():
        assert query.body["dimensionFilterGroups"] == [
            {
                "groupType": "and",
                "filters": [
                    {"dimension": "country", "operator": "equals", "expression": "deu"},
                    {"dimension": "device", "operator": "equals", "expression": "MOBILE"},
                ],
            }
        ]


@pytest.mark.parametrize(
    ("field", "value", "expected"),
    [("country", "de", "alpha-3"), ("device", "smartwatch", "desktop, mobile, tablet")],
)
def test_bad_filter_values_fail_before_any_request(fake, cfg, store, field, value, expected):
    fake.add_property(PROP, [], readers=[ROBOT])
    setattr(cfg, field, value)
    with pytest.raises(SearchConsoleError, match=expected) as info:
        fetch_month(cfg, MONTH, store, today=TODAY)
    assert repr(value) in str(info.value)
    assert fake.requests == []


def test_missing_or_malformed_property_is_named(fake, cfg, store):
    cfg.property = ""
    with pytest.raises(SearchConsoleError, match="property is not set"):
        fetch_month(cfg, MONTH, store, today=TODAY)
    cfg.property = "example.de"
    with pytest.raises(SearchConsoleError, match="'example.de'.*sc-domain:"):
        fetch_month(cfg, MONTH, store, today=TODAY)
    assert fake.requests == []


def test_month_not_final_yet_is_refused_before_any_request(fake, cfg, store):
    fake.add_property(PROP, FakeSearchConsole.make_rows(3), readers=[ROBOT])
    with pytest.raises(SearchConsoleError, match="2024-06-03"):
        fetch_month(cfg, MONTH, store, today=date(2024, 6, 2))
    assert fake.requests == []


# ------------------------------------------------------------------------------ months
@pytest.mark.parametrize(
    ("month", "today", "expected"),
    [
        ("2024-05", date(2024, 6, 3), (date(2024, 5, 1), date(2024, 5, 31))),
        ("2024-02", date(2024, 3, 3), (date(2024, 2, 1), date(2024, 2, 29))),  # leap year
        ("2023-02", date(2024, 1, 1), (date(2023, 2, 1), date(2023, 2, 28))),
        ("2024-12", date(2025, 1, 3), (date(2024, 12, 1), date(2024, 12, 31))),
    ],
)
def test_report_range_gives_first_and_last_day(month, today, expected):
    assert report_range(month, today) == expected


@pytest.mark.parametrize(
    ("month", "today", "final_from"),
    [
        ("2024-05", date(2024, 6, 2), "2024-06-03"),
        ("2024-12", date(2025, 1, 2), "2025-01-03"),
        ("2024-06", date(2024, 6, 15), "2024-07-03"),  # the running month
        ("2030-01", date(2024, 6, 15), "2030-02-03"),  # the future
    ],
)
def test_report_range_refuses_months_not_final_and_names_the_date(month, today, final_from):
    with pytest.raises(SearchConsoleError, match="not final") as info:
        report_range(month, today)
    assert final_from in str(info.value)


@pytest.mark.parametrize("bad", ["2024-13", "2024-00", "2024-5", "24-05", "Mai 2024", ""])
def test_report_range_rejects_malformed_months(bad):
    with pytest.raises(MonthError, match="expected YYYY-MM") as info:
        report_range(bad, date(2025, 1, 1))
    assert repr(bad) in str(info.value)


@pytest.mark.parametrize(
    ("today", "expected"),
    [
        (date(2025, 1, 1), "2024-11"),  # January rollover, December not final yet
        (date(2025, 1, 2), "2024-11"),
        (date(2025, 1, 3), "2024-12"),
        (date(2025, 3, 1), "2025-01"),
        (date(2024, 3, 3), "2024-02"),
        (date(2024, 6, 30), "2024-05"),
    ],
)
def test_last_complete_month(today, expected):
    assert last_complete_month(today) == expected


def test_last_complete_month_is_always_the_newest_final_month():
    day = date(2023, 12, 1)
    while day < date(2025, 3, 1):
        month = last_complete_month(day)
        report_range(month, day)  # final: must not raise
        year, mon = map(int, month.split("-"))
        following = f"{year + mon // 12:04d}-{mon % 12 + 1:02d}"
        with pytest.raises(SearchConsoleError):
            report_range(following, day)
        day += timedelta(days=1)
