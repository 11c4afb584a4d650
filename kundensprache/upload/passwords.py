"""Password hashes for the upload page's users: scrypt, salted, parameters in the string.

The config holds only hashes (``[upload] users = {anna = "scrypt$..."}``), never passwords.
The format is ``scrypt$<n>$<r>$<p>$<salt, base64>$<hash, base64>`` so the cost can be raised
later without breaking the hashes already handed out. Run ``python -m kundensprache.upload.passwords``
(or ``kundensprache hash-password``) to make one.
"""

from __future__ import annotations

import base64
import getpass
import hashlib
import hmac
import secrets
import sys

from kundensprache.core.config import ConfigError

PREFIX = "scrypt"
# 2**14 * 8 * 128 bytes = 16 MiB of memory per check: slow for an attacker, fine for a login.
N, R, P = 2**14, 8, 1
SALT_BYTES = 16
KEY_BYTES = 32
# Upper bounds for parameters read from a config: a typo must not make every login hang.
MAX_N, MAX_R, MAX_P = 2**20, 32, 16


def hash_password(password: str) -> str:
    """A salted scrypt hash of ``password`` for ``[upload] users``."""
    if not password:
        raise ValueError("the password is empty")
    salt = secrets.token_bytes(SALT_BYTES)
    key = _scrypt(password, salt, N, R, P)
    return "$".join([PREFIX, str(N), str(R), str(P), _b64(salt), _b64(key)])


def check_hash(encoded: str) -> str | None:
    """Why ``encoded`` is not a usable hash from :func:`hash_password`, or None if it is."""
    parts = encoded.split("$")
    if len(parts) != 6 or parts[0] != PREFIX:
        return "not a password hash (expected scrypt$...); create one with hash-password"
    try:
        n, r, p = int(parts[1]), int(parts[2]), int(parts[3])
        salt, key = _unb64(parts[4]), _unb64(parts[5])
    except ValueError:
        return "damaged password hash (parameters or base64 cannot be read)"
    if not (2 <= n <= MAX_N and n & (n - 1) == 0 and 1 <= r <= MAX_R and 1 <= p <= MAX_P):
        return f"password hash parameters out of range (n={n}, r={r}, p={p})"
    if len(salt) < 8 or len(key) < 16:
        return "password hash too short (salt or key)"
    return None


def verify_password(password: str, encoded: str) -> bool:
    """True if ``password`` matches ``encoded``; False for a wrong password or bad hash."""
    if check_hash(encoded) is not None:
        return False
    _, n, r, p, salt, key = encoded.split("$")
    expected = _unb64(key)
    actual = _scrypt(password, _unb64(salt), int(n), int(r), int(p), len(expected))
    return hmac.compare_digest(actual, expected)


def check_users(users: dict[str, str]) -> None:
    """Raise ConfigError naming the first user whose entry is not a usable hash."""
    for name, encoded in users.items():
        if not name.strip():
            raise ConfigError("[upload] users: a user name is empty")
        problem = check_hash(str(encoded))
        if problem:
            raise ConfigError(f"[upload] users.{name}: {problem}")


# A hash to check against when the user name is unknown, so that a wrong name takes as
# long as a wrong password and does not reveal which names exist.
_DUMMY = "$".join([PREFIX, str(N), str(R), str(P), "A" * 22, "A" * 43])


def dummy_verify(password: str) -> None:
    verify_password(password, _DUMMY)


def _scrypt(password: str, salt: bytes, n: int, r: int, p: int, size: int = KEY_BYTES) -> bytes:
    return hashlib.scrypt(
        password.encode("utf-8"), salt=salt, n=n, r=r, p=p, maxmem=256 * 1024 * 1024, dklen=size
    )


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii").rstrip("=")


def _unb64(text: str) -> bytes:
    try:
        return base64.b64decode(text + "=" * (-len(text) % 4), validate=True)
    except (ValueError, base64.binascii.Error) as exc:
        raise ValueError(str(exc)) from exc


def main(argv: list[str] | None = None) -> int:
    """Ask for a password (twice, hidden) and print the config line for ``[upload] users``.

    Reads the password from standard input when that is not a terminal (scripts).
    """
    argv = sys.argv[1:] if argv is None else argv
    name = argv[0] if argv else "name"
    if sys.stdin.isatty():
        password = getpass.getpass("Password: ")
        if password != getpass.getpass("Repeat password: "):
            print("The passwords differ; nothing written.", file=sys.stderr)
            return 1
    else:
        password = sys.stdin.readline().rstrip("\r\n")
    if not password:
        print("The password is empty; nothing written.", file=sys.stderr)
        return 1
    print(f'{name} = "{hash_password(password)}"')
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
