"""Sign-in state for the upload page: server-side sessions, sign-in throttling, device tokens.

Sessions live on the server; the cookie carries only an opaque random id (256 bits), so
signing out or expiry really ends a session — a copied cookie stops working at once — and
the cookie reveals nothing (no user name, no readable JSON). Sessions are kept in memory:
a restart signs everybody out, which is the safe direction.

Throttling (see SECURITY.md for the reasoning):

- per (account, client address): after a few failures each further attempt must wait
  twice as long as the one before (1 s, 2 s, 4 s … up to 15 min). One guesser from one
  address is slowed to a handful of tries per hour; the real user on another address is not
  affected at all.
- per account, over all addresses: when an account sees many failures within 15 minutes
  (guessing spread over many addresses, or all clients behind one proxy), attempts from
  browsers that have never signed in to that account are allowed only one every few
  seconds for the whole account. A browser in which the account's owner signed in before
  carries a device token (a signed cookie for that account) and skips this account-wide
  limit, so a stranger cannot lock the real user out; only a first sign-in on a new
  device may have to wait a few seconds while an attack is going on.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import threading
import time
from collections import OrderedDict, deque
from collections.abc import Callable
from dataclasses import dataclass, field

Clock = Callable[[], float]


@dataclass
class Session:
    id: str
    user: str | None
    csrf: str
    expires: float


class SessionStore:
    """Sessions by opaque id; anonymous ones (the sign-in form's CSRF) are capped in number
    and the oldest are dropped first, so a flood of visits cannot fill the memory."""

    def __init__(self, lifetime_s: float, clock: Clock = time.monotonic, max_sessions=20_000):
        self.lifetime_s = lifetime_s
        self.clock = clock
        self.max_sessions = max_sessions
        self._sessions: OrderedDict[str, Session] = OrderedDict()
        self._lock = threading.Lock()

    def new(self, user: str | None = None) -> Session:
        session = Session(
            id=secrets.token_urlsafe(32),
            user=user,
            csrf=secrets.token_urlsafe(32),
            expires=self.clock() + self.lifetime_s,
        )
        with self._lock:
            self._sessions[session.id] = session
            while len(self._sessions) > self.max_sessions:
                self._evict_one()
        return session

    def get(self, session_id: str | None) -> Session | None:
        if not session_id:
            return None
        with self._lock:
            session = self._sessions.get(session_id)
            if session is None:
                return None
            if session.expires <= self.clock():
                del self._sessions[session_id]
                return None
            return session

    def end(self, session_id: str | None) -> None:
        with self._lock:
            self._sessions.pop(session_id or "", None)

    def end_user(self, user: str) -> None:
        """Every session of ``user`` (e.g. when the user is removed)."""
        with self._lock:
            for sid in [s.id for s in self._sessions.values() if s.user == user]:
                del self._sessions[sid]

    def __len__(self) -> int:
        return len(self._sessions)

    def _evict_one(self) -> None:
        """Drop an expired or anonymous session, the oldest first; a signed-in one last."""
        now = self.clock()
        for sid, session in self._sessions.items():
            if session.user is None or session.expires <= now:
                del self._sessions[sid]
                return
        self._sessions.popitem(last=False)


@dataclass
class _Pair:
    failures: int = 0
    last: float = 0.0


@dataclass
class SignInThrottle:
    """Decides how long an attempt for (account, client) must still wait; 0 means go."""

    clock: Clock = time.monotonic
    free_failures: int = 3  # failures per (account, client) before any delay
    base_delay_s: float = 1.0
    max_delay_s: float = 15 * 60
    account_window_s: float = 15 * 60
    account_failures: int = 20  # failures per account in the window before the slow-down
    account_interval_s: float = 5.0  # then: one untrusted attempt per this many seconds
    max_entries: int = 50_000
    _pairs: dict[tuple[str, str], _Pair] = field(default_factory=dict)
    _accounts: dict[str, deque[float]] = field(default_factory=dict)
    _untrusted_last: dict[str, float] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def wait_s(self, account: str, client: str, trusted_device: bool) -> float:
        now = self.clock()
        with self._lock:
            wait = 0.0
            pair = self._pairs.get((account, client))
            if pair and pair.failures > self.free_failures:
                delay = self.base_delay_s * 2 ** (pair.failures - self.free_failures - 1)
                wait = max(wait, min(delay, self.max_delay_s) - (now - pair.last))
            if not trusted_device and self._under_attack(account, now):
                last = self._untrusted_last.get(account)
                if last is not None:
                    wait = max(wait, self.account_interval_s - (now - last))
            return max(0.0, wait)

    def attempt(self, account: str, trusted_device: bool) -> None:
        """An attempt is about to be checked (it passed ``wait_s``)."""
        if not trusted_device:
            with self._lock:
                self._untrusted_last[account] = self.clock()

    def failed(self, account: str, client: str) -> None:
        now = self.clock()
        with self._lock:
            self._prune(now)
            pair = self._pairs.setdefault((account, client), _Pair())
            pair.failures += 1
            pair.last = now
            self._accounts.setdefault(account, deque()).append(now)

    def succeeded(self, account: str, client: str) -> None:
        with self._lock:
            self._pairs.pop((account, client), None)

    def _under_attack(self, account: str, now: float) -> bool:
        times = self._accounts.get(account)
        while times and now - times[0] > self.account_window_s:
            times.popleft()
        return bool(times) and len(times) >= self.account_failures

    def _prune(self, now: float) -> None:
        if len(self._pairs) + len(self._accounts) < self.max_entries:
            return
        for key in [k for k, p in self._pairs.items() if now - p.last > self.max_delay_s]:
            del self._pairs[key]
        for key in [k for k, t in self._accounts.items() if not t or now - t[-1] > 3600]:
            del self._accounts[key]
        if len(self._pairs) >= self.max_entries:  # still full: forget the oldest half
            for key in sorted(self._pairs, key=lambda k: self._pairs[k].last)[
                : len(self._pairs) // 2
            ]:
                del self._pairs[key]


def device_token(secret: str, user: str) -> str:
    """A token that proves this browser signed in to ``user`` before (see module doc)."""
    nonce = secrets.token_urlsafe(16)
    return f"{nonce}.{_mac(secret, user, nonce)}"


def device_trusted(secret: str, user: str, token: str | None) -> bool:
    if not token or "." not in token:
        return False
    nonce, _, mac = token.partition(".")
    return hmac.compare_digest(mac, _mac(secret, user, nonce))


def _mac(secret: str, user: str, nonce: str) -> str:
    message = f"device\0{user}\0{nonce}".encode()
    return hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()
