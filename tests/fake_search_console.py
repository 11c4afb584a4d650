"""A local fake of the Search Console API and Google's OAuth endpoints, over real HTTP.

The real client (google-api-python-client + google-auth) reaches it through
``client_options={"api_endpoint": fake.url}``; a service-account key from
:meth:`FakeSearchConsole.service_account_key` has its ``token_uri`` pointing here, so the
signed-JWT token exchange runs end to end too. The fake checks what Google checks (request
body, bearer token, JWT signature, property permission) and answers in Google's JSON shapes.

Usage::

    with FakeSearchConsole() as fake:
        key = fake.service_account_key("robot@proj.iam.gserviceaccount.com")
        fake.add_property("sc-domain:example.de", FakeSearchConsole.make_rows(60_001),
                          readers=["robot@proj.iam.gserviceaccount.com"])
        fake.fail_next(429, 503)          # the next two queries fail, then it succeeds
        ...                               # point SearchConsoleConfig.api_endpoint at fake.url
"""

from __future__ import annotations

import base64
import hashlib
import json
import secrets
import threading
import time
import urllib.parse
import urllib.request
import webbrowser
from collections import deque
from dataclasses import dataclass, field
from datetime import date
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa

SCOPE = "https://www.googleapis.com/auth/webmasters.readonly"
GOOGLE_TOKEN_URI = "https://oauth2.googleapis.com/token"
NO_PERMISSION = (
    "User does not have sufficient permission for site '{site}'. "
    "See also: https://support.google.com/webmasters/answer/2451999."
)


def _fault(status: int, message: str, reason: str, status_text: str, domain: str = "usageLimits"):
    return status, {"message": message, "status": status_text,
                    "errors": [{"domain": domain, "reason": reason}]}  # fmt: skip


# Google's error payloads, as the real API sends them: (HTTP status, error object).
FAULTS: dict[str, tuple[int, dict]] = {
    "429": _fault(429, "Rate Limit Exceeded", "rateLimitExceeded", "RESOURCE_EXHAUSTED"),
    "500": _fault(500, "Internal error encountered.", "backendError", "INTERNAL", "global"),
    "503": _fault(
        503, "The service is currently unavailable.", "backendError", "UNAVAILABLE", "global"
    ),
    "rate_403": _fault(
        403, "User Rate Limit Exceeded", "userRateLimitExceeded", "PERMISSION_DENIED"
    ),
    "quota": _fault(
        403, "Search Analytics load quota exceeded.", "quotaExceeded", "PERMISSION_DENIED"
    ),
    "quota_429": _fault(
        429, "Search Analytics load quota exceeded.", "quotaExceeded", "RESOURCE_EXHAUSTED"
    ),
    "disabled": _fault(
        403,
        "Google Search Console API has not been used in project 123456 before or it is "
        "disabled. Enable it by visiting the API library.",
        "accessNotConfigured",
        "PERMISSION_DENIED",
    ),
}

_DIMENSIONS = {"query", "page", "country", "device", "date", "searchappearance", "hour"}
_FILTER_DIMENSIONS = {"query", "page", "country", "device", "searchappearance"}
_OPERATORS = {"equals", "notequals", "contains", "notcontains", "includingregex", "excludingregex"}
_BODY_KEYS = {
    "startDate",
    "endDate",
    "dimensions",
    "type",
    "searchType",
    "dimensionFilterGroups",
    "aggregationType",
    "rowLimit",
    "startRow",
    "dataState",
}


@dataclass
class Recorded:
    """One request the fake received (after routing)."""

    method: str
    path: str
    endpoint: str  # "query", "sites.list", "sites.get", "token", "auth", "unknown"
    site: str = ""
    body: dict = field(default_factory=dict)
    account: str = ""
    status: int = 200


class FakeSearchConsole:
    """Real HTTP server on 127.0.0.1 (free port) in a thread; a context manager."""

    def __init__(self, require_auth: bool = True):
        self.require_auth = require_auth
        self.rows: dict[str, list[dict]] = {}
        self.permissions: dict[str, dict[str, str]] = {}  # account -> {property: level}
        self.requests: list[Recorded] = []
        self.bad_requests: list[str] = []  # why a body was rejected (400)
        self.quota_exceeded = False  # every query fails with the daily-quota error
        self.oauth_user = "analyst@example.de"  # who "signs in" in the browser flow
        self._faults: dict[int | None, deque] = {}
        self._keys: dict[str, rsa.RSAPublicKey] = {}  # service-account email -> public key
        self._tokens: dict[str, str] = {}  # access token -> account
        self._refresh: dict[str, str] = {}  # refresh token -> account
        self._codes: dict[str, tuple[str, str, str]] = {}  # code -> (account, client, challenge)
        self._clients: dict[str, str] = {}  # OAuth client id -> secret
        self._lock = threading.Lock()
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    # ---------------------------------------------------------------- lifecycle
    def start(self) -> FakeSearchConsole:
        handler = type("Handler", (_Handler,), {"fake": self})
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self._server.daemon_threads = True
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )
        self._thread.start()
        return self

    def close(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    def __enter__(self) -> FakeSearchConsole:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.close()

    @property
    def url(self) -> str:
        """The api_endpoint for the client, with the trailing slash Google's client expects."""
        assert self._server is not None, "start() the fake first"
        return f"http://127.0.0.1:{self._server.server_address[1]}/"

    @property
    def token_uri(self) -> str:
        return self.url + "token"

    # ---------------------------------------------------------------- setup
    def add_property(
        self, prop: str, rows: list[dict], readers=(), level: str = "siteFullUser"
    ) -> None:
        """Serve ``rows`` (API rows) for ``prop`` to every account in ``readers``."""
        self.rows[prop] = list(rows)
        for account in readers:
            self.grant(account, prop, level)

    def grant(self, account: str, prop: str, level: str = "siteFullUser") -> None:
        self.permissions.setdefault(account, {})[prop] = level

    def fail_next(
        self, *faults: int | str, at_row: int | None = None, retry_after: int | None = None
    ) -> None:
        """The next queries (or those at ``startRow == at_row``) fail with these faults.

        A fault is a key of ``FAULTS`` (429, 500, 503, "rate_403", "quota", ...);
        ``retry_after`` adds a Retry-After header (seconds) to each of them.
        """
        unknown = [f for f in faults if str(f) not in FAULTS]
        assert not unknown, f"unknown fault(s) {unknown}; known: {sorted(FAULTS)}"
        with self._lock:
            queue = self._faults.setdefault(at_row, deque())
            queue.extend((str(f), retry_after) for f in faults)

    def service_account_key(self, email: str) -> dict:
        """A throwaway service-account JSON key whose token_uri is this fake."""
        key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        self._keys[email] = key.public_key()
        pem = key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        ).decode("ascii")
        return {
            "type": "service_account",
            "project_id": "fake-project",
            "private_key_id": secrets.token_hex(20),
            "private_key": pem,
            "client_email": email,
            "client_id": str(int(hashlib.sha256(email.encode()).hexdigest()[:16], 16)),
            "auth_uri": self.url + "auth",
            "token_uri": self.token_uri,
        }

    def oauth_client_config(self, client_id: str = "fake-client.apps.googleusercontent.com"):
        """An OAuth 'Desktop app' client secrets file content pointing at this fake."""
        secret = secrets.token_urlsafe(16)
        self._clients[client_id] = secret
        return {
            "installed": {
                "client_id": client_id,
                "client_secret": secret,
                "project_id": "fake-project",
                "auth_uri": self.url + "auth",
                "token_uri": self.token_uri,
                "redirect_uris": ["http://localhost"],
            }
        }

    def issue_token(self, account: str) -> str:
        """An access token for ``account``, as if Google had issued it."""
        token = "ya29.fake-" + secrets.token_urlsafe(24)
        with self._lock:
            self._tokens[token] = account
        return token

    # ---------------------------------------------------------------- inspection
    def queries(self, prop: str | None = None) -> list[Recorded]:
        """searchAnalytics.query requests received (failed attempts included)."""
        return [r for r in self.requests if r.endpoint == "query" and prop in (None, r.site)]

    @staticmethod
    def make_rows(n: int, prefix: str = "suchanfrage") -> list[dict]:
        """``n`` distinct query x page rows with plausible, deterministic figures."""
        rows = []
        for i in range(n):
            impressions = 10 + (i * 7919) % 5000
            clicks = impressions * ((i % 13) + 1) // 100
            rows.append(
                {
                    "keys": [f"{prefix} {i}", f"https://www.example.de/seite-{i % 97}"],
                    "clicks": clicks,
                    "impressions": impressions,
                    "ctr": clicks / impressions,
                    "position": 1.0 + (i % 400) / 10,
                }
            )
        return rows

    # ---------------------------------------------------------------- request handling
    def _record(self, rec: Recorded) -> Recorded:
        with self._lock:
            self.requests.append(rec)
        return rec

    def _account(self, headers) -> str | None:
        auth = headers.get("Authorization", "")
        if not auth.startswith("Bearer "):
            return None
        with self._lock:
            return self._tokens.get(auth[len("Bearer ") :])

    def _pop_fault(self, start_row: int) -> tuple[str, int | None] | None:
        with self._lock:
            for key in (start_row, None):
                queue = self._faults.get(key)
                if queue:
                    return queue.popleft()
        return None

    def _readable(self, account: str, prop: str) -> bool:
        level = self.permissions.get(account, {}).get(prop, "")
        return bool(level) and "unverified" not in level.lower()


def _error(status: int, message: str, reason: str, status_text: str, domain="global") -> dict:
    return {
        "error": {
            "code": status,
            "message": message,
            "status": status_text,
            "errors": [{"message": message, "domain": domain, "reason": reason}],
        }
    }


def check_query_body(body) -> str:
    """Why Google would reject this searchanalytics.query body ('' if it is fine)."""
    if not isinstance(body, dict):
        return "body is not a JSON object"
    unknown = set(body) - _BODY_KEYS
    if unknown:
        return f"Invalid JSON payload received. Unknown name {sorted(unknown)[0]!r}"
    try:
        start = date.fromisoformat(body["startDate"])
        end = date.fromisoformat(body["endDate"])
    except (KeyError, TypeError, ValueError):
        return "startDate and endDate are required, as YYYY-MM-DD"
    if start > end:
        return "startDate is after endDate"
    dims = body.get("dimensions", [])
    if not isinstance(dims, list) or any(str(d).lower() not in _DIMENSIONS for d in dims):
        return f"invalid dimensions {dims!r}"
    row_limit, start_row = body.get("rowLimit", 1000), body.get("startRow", 0)
    if not isinstance(row_limit, int) or not 1 <= row_limit <= 25_000:
        return f"rowLimit {row_limit!r} must be 1..25000"
    if not isinstance(start_row, int) or start_row < 0:
        return f"startRow {start_row!r} must be >= 0"
    if str(body.get("dataState", "final")).lower() not in ("final", "all", "hourly_all"):
        return f"invalid dataState {body.get('dataState')!r}"
    kind = str(body.get("type", body.get("searchType", "web"))).lower()
    if kind not in ("web", "image", "video", "news", "discover", "googlenews"):
        return f"invalid type {kind!r}"
    aggregation = str(body.get("aggregationType", "auto")).lower()
    if aggregation not in ("auto", "byproperty", "bypage", "bynewsshowcasepanel"):
        return f"invalid aggregationType {aggregation!r}"
    if aggregation == "byproperty" and "page" in [str(d).lower() for d in dims]:
        return "cannot aggregate by property when grouping by page"
    for group in body.get("dimensionFilterGroups", []):
        if str(group.get("groupType", "and")).lower() != "and":
            return "only groupType 'and' is supported"
        for f in group.get("filters", []):
            if str(f.get("dimension", "")).lower() not in _FILTER_DIMENSIONS:
                return f"invalid filter dimension {f.get('dimension')!r}"
            if str(f.get("operator", "equals")).lower() not in _OPERATORS:
                return f"invalid filter operator {f.get('operator')!r}"
            if not isinstance(f.get("expression"), str) or not f["expression"]:
                return "filter expression must be a non-empty string"
    return ""


class _Handler(BaseHTTPRequestHandler):
    fake: FakeSearchConsole

    def log_message(self, *args) -> None:  # keep test output quiet
        pass

    # ---------------------------------------------------------------- plumbing
    def _send(self, status: int, payload: dict | None = None, headers: dict | None = None):
        data = json.dumps(payload or {}).encode("utf-8")
        self.send_response(status)
        self.send_header("Content-Type", "application/json; charset=UTF-8")
        self.send_header("Content-Length", str(len(data)))
        for key, value in (headers or {}).items():
            self.send_header(key, value)
        self.end_headers()
        self.wfile.write(data)

    def _body(self) -> bytes:
        length = int(self.headers.get("Content-Length", 0) or 0)
        return self.rfile.read(length) if length else b""

    def _route(self) -> tuple[str, str]:
        path = urllib.parse.urlsplit(self.path).path
        parts = path.strip("/").split("/")
        if path == "/token":
            return "token", ""
        if path == "/auth":
            return "auth", ""
        if parts[:3] == ["webmasters", "v3", "sites"]:
            if len(parts) == 3:
                return "sites.list", ""
            site = urllib.parse.unquote(parts[3])
            if parts[4:] == ["searchAnalytics", "query"]:
                return "query", site
            if len(parts) == 4:
                return "sites.get", site
        return "unknown", ""

    # ---------------------------------------------------------------- verbs
    def do_GET(self) -> None:  # noqa: N802 (http.server naming)
        endpoint, site = self._route()
        if endpoint == "auth":
            return self._authorize()
        rec = self.fake._record(Recorded("GET", self.path, endpoint, site=site))
        if not self._authenticated(rec):
            return
        if endpoint == "sites.list":
            entries = [
                {"siteUrl": prop, "permissionLevel": level}
                for prop, level in sorted(self.fake.permissions.get(rec.account, {}).items())
            ]
            return self._send(200, {"siteEntry": entries} if entries else {})
        if endpoint == "sites.get":
            level = self.fake.permissions.get(rec.account, {}).get(site)
            if not level:
                return self._fail(
                    rec, 403, NO_PERMISSION.format(site=site), "forbidden", "PERMISSION_DENIED"
                )
            return self._send(200, {"siteUrl": site, "permissionLevel": level})
        self._fail(rec, 404, "Not Found", "notFound", "NOT_FOUND")

    def do_POST(self) -> None:  # noqa: N802
        endpoint, site = self._route()
        raw = self._body()
        if endpoint == "token":
            return self._token(raw)
        try:
            body = json.loads(raw or b"{}")
        except ValueError:
            body = None
        rec = self.fake._record(Recorded("POST", self.path, endpoint, site=site, body=body))
        if not self._authenticated(rec):
            return
        if endpoint != "query":
            return self._fail(rec, 404, "Not Found", "notFound", "NOT_FOUND")
        problem = check_query_body(body)
        if problem:
            self.fake.bad_requests.append(problem)
            return self._fail(rec, 400, problem, "badRequest", "INVALID_ARGUMENT")
        start_row = body.get("startRow", 0)
        fault = ("quota", None) if self.fake.quota_exceeded else self.fake._pop_fault(start_row)
        if fault:
            status, err = FAULTS[fault[0]]
            rec.status = status
            payload = {"error": {"code": status, **err}}
            payload["error"]["errors"] = [{**e, "message": err["message"]} for e in err["errors"]]
            headers = {"Retry-After": str(fault[1])} if fault[1] is not None else None
            return self._send(status, payload, headers)
        if not self.fake._readable(rec.account, site):
            return self._fail(
                rec, 403, NO_PERMISSION.format(site=site), "forbidden", "PERMISSION_DENIED"
            )
        rows = self.fake.rows.get(site, [])
        page = rows[start_row : start_row + body.get("rowLimit", 1000)]
        response = {"responseAggregationType": "byPage"}
        if page:  # like Google: no "rows" key at all past the end
            response["rows"] = page
        self._send(200, response)

    def _fail(self, rec: Recorded, status: int, message: str, reason: str, status_text: str):
        rec.status = status
        self._send(status, _error(status, message, reason, status_text))

    def _authenticated(self, rec: Recorded) -> bool:
        account = self.fake._account(self.headers)
        if account is None and self.fake.require_auth:
            self._fail(
                rec,
                401,
                "Request had invalid authentication credentials.",
                "authError",
                "UNAUTHENTICATED",
            )
            return False
        rec.account = account or ""
        return True

    # ---------------------------------------------------------------- OAuth
    def _token(self, raw: bytes) -> None:
        form = {k: v[0] for k, v in urllib.parse.parse_qs(raw.decode("utf-8")).items()}
        rec = self.fake._record(Recorded("POST", self.path, "token", body=form))
        grant = form.get("grant_type", "")
        if grant == "urn:ietf:params:oauth:grant-type:jwt-bearer":
            account, problem = self._verify_jwt(form.get("assertion", ""))
        elif grant == "authorization_code":
            account, problem = self._redeem_code(form)
        elif grant == "refresh_token":
            account = self.fake._refresh.get(form.get("refresh_token", ""))
            problem = "" if account else "Token has been expired or revoked."
        else:
            account, problem = None, f"unsupported grant_type {grant!r}"
        if problem:
            rec.status = 400
            return self._send(400, {"error": "invalid_grant", "error_description": problem})
        rec.account = account
        token = self.fake.issue_token(account)
        payload = {"access_token": token, "expires_in": 3599, "token_type": "Bearer"}
        if grant == "authorization_code":
            refresh = "1//fake-" + secrets.token_urlsafe(24)
            self.fake._refresh[refresh] = account
            payload.update(refresh_token=refresh, scope=SCOPE)
        self._send(200, payload)

    def _verify_jwt(self, assertion: str) -> tuple[str | None, str]:
        try:
            header_b64, claims_b64, sig_b64 = assertion.split(".")
            claims = json.loads(_b64decode(claims_b64))
            header = json.loads(_b64decode(header_b64))
        except ValueError:
            return None, "Invalid JWT: malformed assertion."
        key = self.fake._keys.get(claims.get("iss", ""))
        if key is None or header.get("alg") != "RS256":
            return None, "Invalid JWT Signature."
        try:
            key.verify(
                _b64decode(sig_b64),
                f"{header_b64}.{claims_b64}".encode("ascii"),
                padding.PKCS1v15(),
                hashes.SHA256(),
            )
        except InvalidSignature:
            return None, "Invalid JWT Signature."
        now = time.time()
        # google-auth always signs for Google's token endpoint, whatever token_uri says.
        if claims.get("aud") not in (GOOGLE_TOKEN_URI, self.fake.token_uri):
            return None, "Invalid JWT: audience is not the token URI."
        if not claims.get("exp", 0) > now >= claims.get("iat", now + 1) - 300:
            return None, "Invalid JWT: Token must be a short-lived token."
        if SCOPE not in str(claims.get("scope", "")).split():
            return None, "Invalid JWT: scope webmasters.readonly missing."
        return claims["iss"], ""

    def _redeem_code(self, form: dict) -> tuple[str | None, str]:
        client_id, secret = form.get("client_id"), form.get("client_secret")
        auth = self.headers.get("Authorization", "")
        if auth.startswith("Basic "):
            user, _, pw = base64.b64decode(auth[6:]).decode("utf-8").partition(":")
            client_id, secret = urllib.parse.unquote(user), urllib.parse.unquote(pw)
        if self.fake._clients.get(client_id or "") != secret:
            return None, "Unauthorized client or bad client secret."
        account, code_client, challenge = self.fake._codes.pop(form.get("code", ""), (None,) * 3)
        if account is None or code_client != client_id:
            return None, "Malformed auth code."
        verifier = form.get("code_verifier", "")
        digest = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest())
        if challenge and digest.rstrip(b"=").decode("ascii") != challenge:
            return None, "Invalid code verifier."
        return account, ""

    def _authorize(self) -> None:
        """The consent screen: the fake user agrees at once and is redirected back."""
        q = {
            k: v[0]
            for k, v in urllib.parse.parse_qs(urllib.parse.urlsplit(self.path).query).items()
        }
        self.fake._record(Recorded("GET", self.path, "auth", body=q))
        if q.get("client_id") not in self.fake._clients or SCOPE not in q.get("scope", "").split():
            return self._send(400, {"error": "invalid_request"})
        code = "4/fake-" + secrets.token_urlsafe(16)
        self.fake._codes[code] = (self.fake.oauth_user, q["client_id"], q.get("code_challenge", ""))
        params = urllib.parse.urlencode({"state": q.get("state", ""), "code": code, "scope": SCOPE})
        self.send_response(302)
        self.send_header("Location", f"{q['redirect_uri']}?{params}")
        self.send_header("Content-Length", "0")
        self.end_headers()


def _b64decode(part: str) -> bytes:
    return base64.urlsafe_b64decode(part + "=" * (-len(part) % 4))


class FakeBrowser(webbrowser.BaseBrowser):
    """A 'browser' for the OAuth flow: follows the consent redirect back to localhost.

    Register it with :func:`register_fake_browser` and pass its name as ``browser=``.
    It works in a thread because the flow only starts serving its redirect after open().
    """

    def open(self, url, new=0, autoraise=True):
        opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
        threading.Thread(target=lambda: opener.open(url, timeout=30).read(), daemon=True).start()
        return True


def register_fake_browser(name: str = "kundensprache-fake-browser") -> str:
    webbrowser.register(name, None, FakeBrowser(name))
    return name
