"""Search Console API access: the report month, paged queries, retries, the response cache.

Built on google-api-python-client with the discovery document that ships with it (no network
to build the client). One month of query x page rows can be far more than one page of 25,000
rows, so every fetch pages with ``startRow`` until an empty page and only then stores the
rows: an interrupted or quota-stopped fetch leaves nothing half-written behind.
"""

from __future__ import annotations

import json
import logging
import random
import re
import time
from collections.abc import Callable, Sequence
from datetime import date, timedelta
from typing import Protocol

import google_auth_httplib2
import httplib2
from google.auth import exceptions as auth_exceptions
from googleapiclient.discovery import build
from googleapiclient.errors import HttpError

from kundensprache.core.config import SearchConsoleConfig
from kundensprache.core.models import QueryRow
from kundensprache.core.months import FINAL_AFTER_DAYS, Month, last_complete_month
from kundensprache.search_console.auth import SearchConsoleError, load_credentials, oauth_login

__all__ = [
    "NoAccessError",
    "QuotaExceededError",
    "SearchConsoleError",
    "build_service",
    "check_month",
    "fetch_month",
    "fetch_rows",
    "last_complete_month",
    "load_credentials",
    "oauth_login",
    "query_body",
    "report_range",
    "request_key",
]


class RowCache(Protocol):
    """Where fetched months are kept (the store): the client sits beside the store, not above."""

    def get_gsc_rows(self, prop: str, start: str, end: str, key: str) -> list[dict] | None: ...

    def put_gsc_rows(self, prop: str, start: str, end: str, key: str, rows: list[dict]) -> None: ...


# The library warns about every 403/429 it sees; this client reports each failure itself
# (one message, what to do), so the warning is noise on the user's console.
logging.getLogger("googleapiclient.http").setLevel(logging.ERROR)

MAX_ROW_LIMIT = 25_000
HTTP_TIMEOUT_S = 120
MAX_BACKOFF_S = 64.0
DIMENSIONS = ("query", "page", "country", "device", "date", "searchAppearance")
DEVICES = ("desktop", "mobile", "tablet")
_RATE_LIMIT_REASONS = {"rateLimitExceeded", "userRateLimitExceeded"}
_QUOTA_REASONS = {"quotaExceeded", "dailyLimitExceeded"}


class NoAccessError(SearchConsoleError):
    """The account cannot read the property; the message lists what it can read."""

    def __init__(self, account: str, prop: str, readable: list[str], note: str = ""):
        self.account, self.property, self.readable = account, prop, readable
        who = account or "The configured account"
        lines = [f"{who} cannot read the Search Console property {prop!r}."]
        if readable:
            lines.append("It can read: " + ", ".join(repr(p) for p in readable) + ".")
            similar = [p for p in readable if _site_host(p) == _site_host(prop)]
            if similar:
                lines.append(f"Did you mean {similar[0]!r}? (set it as `property`)")
        elif note:
            lines.append(f"Its readable properties could not be listed ({note}).")
        else:
            lines.append("It cannot read any property yet.")
        lines.append(
            f"To give access: Search Console -> Settings -> Users and permissions -> Add user "
            f"-> {account or 'the account'} (permission 'Restricted' is enough)."
        )
        super().__init__(" ".join(lines))


class QuotaExceededError(SearchConsoleError):
    """Google's Search Analytics quota is used up: stop now, retrying only burns more."""


# ------------------------------------------------------------------------------- months
def query_rows_from_api(rows: list[dict]) -> list[QueryRow]:
    """API rows (keys = [query, page]) -> QueryRow."""
    out = []
    for r in rows:
        keys = r.get("keys") or []
        out.append(
            QueryRow(
                query=keys[0] if keys else "",
                page=keys[1] if len(keys) > 1 else "",
                clicks=int(r.get("clicks", 0)),
                impressions=int(r.get("impressions", 0)),
                ctr=float(r.get("ctr", 0.0)),
                position=float(r.get("position", 0.0)),
            )
        )
    return out


def report_range(month: str | Month, today: date | None = None) -> tuple[date, date]:
    """First and last day of ``YYYY-MM``; refuses a month whose data is not final yet."""
    parsed = Month.parse(month)
    first, last = parsed.first_day, parsed.last_day
    today = today or date.today()
    final_from = last + timedelta(days=FINAL_AFTER_DAYS)
    if today < final_from:
        raise SearchConsoleError(
            f"report month {month}: Search Console data for it is not final yet (data less than "
            f"{FINAL_AFTER_DAYS} days old keeps changing); run it on or after "
            f"{final_from.isoformat()}, or choose an earlier month"
        )
    return first, last


# ------------------------------------------------------------------------------ service
def build_service(cfg: SearchConsoleConfig, credentials=None):
    """A ``searchconsole`` v1 client; ``cfg.api_endpoint`` redirects it (tests, proxies)."""
    if credentials is None:
        credentials, _ = load_credentials(cfg)
    # An explicit timeout: httplib2 waits forever by default.
    http = google_auth_httplib2.AuthorizedHttp(
        credentials, http=httplib2.Http(timeout=HTTP_TIMEOUT_S)
    )
    options = None
    if cfg.api_endpoint:
        endpoint = cfg.api_endpoint if cfg.api_endpoint.endswith("/") else cfg.api_endpoint + "/"
        options = {"api_endpoint": endpoint}
    return build(
        "searchconsole",
        "v1",
        http=http,
        client_options=options,
        static_discovery=True,
        cache_discovery=False,
    )


def query_body(
    start: date,
    end: date,
    dimensions: Sequence[str] = ("query", "page"),
    country: str = "",
    device: str = "",
) -> dict:
    """The searchanalytics.query body without paging; checks the config values first."""
    dims = list(dimensions)
    unknown = [d for d in dims if d not in DIMENSIONS]
    if unknown:
        raise SearchConsoleError(
            f"unknown Search Console dimension(s) {unknown}; known: {', '.join(DIMENSIONS)}"
        )
    body: dict = {
        "startDate": start.isoformat(),
        "endDate": end.isoformat(),
        "dimensions": dims,
        "type": "web",
        "dataState": "final",
        "aggregationType": "auto",
    }
    filters = []
    if country:
        code = country.strip().lower()
        if not re.fullmatch(r"[a-z]{3}", code):
            raise SearchConsoleError(
                f"search_console.country {country!r}: expected a three-letter ISO 3166-1 "
                "alpha-3 code as Search Console uses it, e.g. 'deu', 'aut', 'che', 'usa'"
            )
        filters.append({"dimension": "country", "operator": "equals", "expression": code})
    if device:
        kind = device.strip().lower()
        if kind not in DEVICES:
            raise SearchConsoleError(
                f"search_console.device {device!r}: expected one of {', '.join(DEVICES)}"
            )
        filters.append({"dimension": "device", "operator": "equals", "expression": kind.upper()})
    if filters:
        body["dimensionFilterGroups"] = [{"groupType": "and", "filters": filters}]
    return body


def request_key(body: dict) -> str:
    """Canonical JSON of everything but dates and paging: the cache key of a response."""
    kept = {
        k: v for k, v in body.items() if k not in ("startDate", "endDate", "rowLimit", "startRow")
    }
    return json.dumps(kept, sort_keys=True, separators=(",", ":"))


# ------------------------------------------------------------------------------ fetching
def fetch_rows(
    service,
    prop: str,
    start: date,
    end: date,
    *,
    dimensions: Sequence[str] = ("query", "page"),
    country: str = "",
    device: str = "",
    row_limit: int = MAX_ROW_LIMIT,
    max_retries: int = 6,
    sleep: Callable[[float], None] = time.sleep,
    rng: random.Random | None = None,
    progress: Callable[[int], None] | None = None,
    account: str = "",
) -> list[dict]:
    """All rows of one query, paged with ``startRow`` until Google returns an empty page."""
    _check_property(prop)
    if not 1 <= row_limit <= MAX_ROW_LIMIT:
        raise SearchConsoleError(f"row_limit {row_limit}: must be 1..{MAX_ROW_LIMIT}")
    body = query_body(start, end, dimensions, country, device)
    retry = {"max_retries": max_retries, "sleep": sleep, "rng": rng or random.Random()}
    rows: list[dict] = []
    while True:
        page_body = {**body, "rowLimit": row_limit, "startRow": len(rows)}
        try:
            response = _query(service, prop, page_body, account, **retry)
        except QuotaExceededError as exc:
            raise QuotaExceededError(
                f"{exc} Property {prop!r}, {start.isoformat()}..{end.isoformat()}: stopped "
                f"after {len(rows)} rows; nothing was stored."
            ) from None
        page = response.get("rows") or []
        if not page:
            return rows
        rows.extend(page)
        if progress is not None:
            progress(len(rows))


def _query(service, prop: str, body: dict, account: str, **retry) -> dict:
    """One searchanalytics.query request; a 403 for the property becomes NoAccessError."""
    try:
        return _execute(
            lambda: service.searchanalytics().query(siteUrl=prop, body=body),
            account=account,
            **retry,
        )
    except _Forbidden:
        raise _no_access(service, account, prop) from None


def fetch_month(
    cfg: SearchConsoleConfig,
    month: str | Month,
    store: RowCache,
    *,
    service=None,
    account: str = "",
    today: date | None = None,
    **kw,
) -> list[dict]:
    """The month's rows from the store, or from the API (then stored) when absent or refresh.

    ``kw`` goes to :func:`fetch_rows` (dimensions, row_limit, sleep, rng, progress, ...).
    """
    start, end, key = _month_request(cfg, month, today, kw.get("dimensions", ("query", "page")))
    if not cfg.refresh:
        cached = store.get_gsc_rows(cfg.property, start.isoformat(), end.isoformat(), key)
        if cached is not None:
            return cached
    if service is None:
        credentials, account = load_credentials(cfg)
        service = build_service(cfg, credentials)
    rows = fetch_rows(
        service,
        cfg.property,
        start,
        end,
        country=cfg.country,
        device=cfg.device,
        account=account,
        **kw,
    )
    store.put_gsc_rows(cfg.property, start.isoformat(), end.isoformat(), key, rows)
    return rows


def check_month(
    cfg: SearchConsoleConfig,
    month: str | Month,
    store: RowCache,
    *,
    today: date | None = None,
    max_retries: int = 2,
    sleep: Callable[[float], None] = time.sleep,
) -> None:
    """Fail fast, before a run writes anything, if the month's rows cannot be fetched.

    Nothing to check when the month is stored (and no refresh is asked for). Otherwise one
    one-row query: it needs the same key file, sign-in, access, quota and final month as the
    full fetch, which then runs in the flow. Few retries: this is a check, not the fetch.
    """
    dimensions = ("query", "page")
    start, end, key = _month_request(cfg, month, today, dimensions)
    if (
        not cfg.refresh
        and store.get_gsc_rows(cfg.property, start.isoformat(), end.isoformat(), key) is not None
    ):
        return
    credentials, account = load_credentials(cfg)
    service = build_service(cfg, credentials)
    body = {**query_body(start, end, dimensions, cfg.country, cfg.device), "rowLimit": 1}
    _query(
        service,
        cfg.property,
        body,
        account,
        max_retries=max_retries,
        sleep=sleep,
        rng=random.Random(),
    )


# ------------------------------------------------------------------------------ internals
def _month_request(
    cfg: SearchConsoleConfig, month: str | Month, today: date | None, dimensions: Sequence[str]
) -> tuple[date, date, str]:
    """(first day, last day, cache key) of the month's query; checks the config first."""
    if not cfg.property:
        raise SearchConsoleError(
            "search_console.property is not set: name the property, e.g. 'sc-domain:example.de' "
            "or 'https://www.example.de/' (or use a UI export in inputs/search_console/)"
        )
    _check_property(cfg.property)
    start, end = report_range(month, today)
    return start, end, request_key(query_body(start, end, dimensions, cfg.country, cfg.device))


class _Forbidden(Exception):
    """403 for the property itself; turned into NoAccessError once sites.list is known."""


def _check_property(prop: str) -> None:
    if not (prop.startswith("sc-domain:") or re.match(r"https?://[^/]+", prop)):
        raise SearchConsoleError(
            f"search_console.property {prop!r}: expected 'sc-domain:example.de' (domain "
            "property) or 'https://www.example.de/' (URL-prefix property)"
        )


def _site_host(prop: str) -> str:
    host = prop.removeprefix("sc-domain:")
    host = re.sub(r"^https?://", "", host).split("/", 1)[0].lower()
    return host.removeprefix("www.")


def _api_error(exc: HttpError) -> tuple[int, str, set[str], str]:
    """(HTTP status, Google's message, error reasons, status text) of an API error."""
    status = int(exc.resp.status)
    try:
        err = json.loads(exc.content.decode("utf-8", "replace")).get("error", {})
    except (ValueError, AttributeError):
        err = {}
    if not isinstance(err, dict):
        err = {"message": str(err)}
    reasons = {e.get("reason", "") for e in err.get("errors", []) if isinstance(e, dict)}
    for detail in err.get("details", []) or []:
        if isinstance(detail, dict) and detail.get("reason"):
            reasons.add(detail["reason"])
    message = str(err.get("message") or exc.reason or f"HTTP {status}")
    return status, message, reasons, str(err.get("status", ""))


def _execute(make_request, *, max_retries, sleep, rng, account):
    """Run one API request, retrying transient failures with exponential backoff + jitter."""
    attempt = 0
    while True:
        try:
            return make_request().execute(num_retries=0)
        except HttpError as exc:
            problem, retry_after = _transient_or_raise(exc, account)
        except auth_exceptions.RefreshError as exc:
            reason = exc.args[0] if exc.args and isinstance(exc.args[0], str) else "refused"
            raise SearchConsoleError(
                f"Could not sign in to Google as {account or 'the configured account'}: {reason}"
            ) from None
        except (OSError, httplib2.HttpLib2Error, auth_exceptions.TransportError) as exc:
            problem, retry_after = f"could not reach Search Console ({exc})", 0.0
        if attempt >= max_retries:
            raise SearchConsoleError(
                f"Search Console request failed, gave up after {attempt} retries: {problem}",
                hint="Run again later; if it keeps failing, check the network connection and "
                "the [search_console] settings.",
            )
        delay = min(MAX_BACKOFF_S, 2.0**attempt * (1.0 + rng.random()))
        sleep(max(delay, min(retry_after, 300.0)))
        attempt += 1


def _transient_or_raise(exc: HttpError, account: str) -> tuple[str, float]:
    """(description, Retry-After seconds) for errors worth retrying; raises for all others."""
    status, message, reasons, status_text = _api_error(exc)
    described = " ".join(p for p in (f"HTTP {status}", status_text, repr(message)) if p)
    lowered = message.lower()
    per_minute = "per minute" in lowered or "per 100 seconds" in lowered
    if reasons & _QUOTA_REASONS or ("quota exceeded" in lowered and not per_minute):
        raise QuotaExceededError(
            f"Search Console quota exceeded (Google: {message!r}). The short-term load quota "
            "recovers after about 15 minutes, the daily quota at midnight Pacific time; run "
            "again later."
        ) from None
    if reasons & {"accessNotConfigured", "SERVICE_DISABLED"}:
        raise SearchConsoleError(
            "The Search Console API is not enabled for the Google Cloud project of "
            f"{account or 'these credentials'}: enable it in the Cloud console ({described})"
        ) from None
    rate_limited = status == 429 or bool(reasons & _RATE_LIMIT_REASONS)
    if status == 403 and not rate_limited:
        raise _Forbidden(message) from None
    if status == 401:
        raise SearchConsoleError(
            f"Google rejected the credentials of {account or 'the configured account'} "
            f"({described}); check the key or run `kundensprache auth` again"
        ) from None
    if not (rate_limited or status >= 500):
        raise SearchConsoleError(f"Search Console request failed: {described}") from None
    try:
        retry_after = float(exc.resp.get("retry-after", 0) or 0)
    except (TypeError, ValueError):
        retry_after = 0.0
    return described, retry_after


def _no_access(service, account: str, prop: str) -> NoAccessError:
    try:
        listing = service.sites().list().execute(num_retries=0)
    except (HttpError, OSError, httplib2.HttpLib2Error) as exc:
        return NoAccessError(account, prop, [], note=f"sites.list failed: {exc}")
    readable = sorted(
        entry["siteUrl"]
        for entry in listing.get("siteEntry", [])
        if entry.get("siteUrl")
        and "unverified" not in str(entry.get("permissionLevel", "")).lower()
    )
    return NoAccessError(account, prop, readable)
