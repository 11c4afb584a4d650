"""Credentials for the Search Console API: service-account key, Prefect Secret block or OAuth.

Secrets never live in the TOML: the config names a key file, a Secret block or a token file,
and every error message here names the file or block, never its content.
``SearchConsoleError`` lives here because this is the lowest module of the subpackage; the
client module re-exports it.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

from google.auth.credentials import Credentials
from google.oauth2 import credentials as user_credentials
from google.oauth2 import service_account

from kundensprache.core.config import SearchConsoleConfig
from kundensprache.core.errors import ExternalServiceError

SCOPE = "https://www.googleapis.com/auth/webmasters.readonly"
# Where `kundensprache auth` stores the OAuth token when `oauth_token_file` is not set.
DEFAULT_OAUTH_TOKEN_FILE = Path("~/.config/kundensprache/search-console-token.json")

_SERVICE_ACCOUNT_FIELDS = ("client_email", "private_key", "token_uri")


class SearchConsoleError(ExternalServiceError):
    """A Search Console problem the user can act on (its setup, credentials, access, quota,
    a month not final yet, the service unreachable); the message never contains secrets."""


def load_credentials(cfg: SearchConsoleConfig) -> tuple[Credentials, str]:
    """(credentials, account description) from the first configured source.

    Order: ``credentials_file`` (service-account JSON key), ``secret_block`` (Prefect Secret
    holding that JSON), then the OAuth token file written by ``kundensprache auth``.
    """
    if cfg.credentials_file:
        path = Path(cfg.credentials_file).expanduser()
        return _service_account(_read_json(path, "credentials_file"), f"{path}")
    if cfg.secret_block:
        value = _secret_block_value(cfg.secret_block)
        where = f"Prefect Secret block {cfg.secret_block!r}"
        if isinstance(value, str):
            try:
                value = json.loads(value)
            except json.JSONDecodeError:
                raise SearchConsoleError(
                    f"{where}: not valid JSON; it must hold the service-account key file's content"
                ) from None
        return _service_account(value, where)
    token_file = _token_file(cfg)
    if cfg.oauth_token_file or token_file.is_file():
        return _oauth_user(token_file)
    raise SearchConsoleError(
        "No Search Console credentials configured. In [search_console] set credentials_file "
        "(path to a service-account JSON key), or secret_block (a Prefect Secret block holding "
        "that key), or set oauth_client_file and run `kundensprache auth` once."
    )


def oauth_login(
    cfg: SearchConsoleConfig, *, open_browser: bool = True, browser: str | None = None
) -> Path:
    """Run the OAuth installed-app flow once and store the token file (mode 0600).

    The browser must run on the same machine (the flow redirects to localhost); on a server,
    run `kundensprache auth` on a desktop and copy the token file over.
    """
    from google_auth_oauthlib.flow import InstalledAppFlow

    if not cfg.oauth_client_file:
        raise SearchConsoleError(
            "oauth_client_file is not set: download an OAuth client ID of type 'Desktop app' "
            "from the Google Cloud console and set its path in [search_console]"
        )
    client_file = Path(cfg.oauth_client_file).expanduser()
    client_config = _read_json(client_file, "oauth_client_file")
    if not isinstance(client_config, dict) or not (
        "installed" in client_config or "web" in client_config
    ):
        raise SearchConsoleError(
            f"{client_file}: not an OAuth client secrets file (expected an 'installed' "
            "section; create an OAuth client ID of type 'Desktop app')"
        )
    flow = InstalledAppFlow.from_client_config(client_config, scopes=[SCOPE])
    creds = flow.run_local_server(port=0, open_browser=open_browser, browser=browser)
    token_file = _token_file(cfg)
    _write_private(token_file, creds.to_json())
    return token_file


# ------------------------------------------------------------------------------ helpers
def _token_file(cfg: SearchConsoleConfig) -> Path:
    return Path(cfg.oauth_token_file or DEFAULT_OAUTH_TOKEN_FILE).expanduser()


def _read_json(path: Path, key: str):
    if not path.is_file():
        raise SearchConsoleError(f"{path}: file not found (set by {key} in [search_console])")
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (json.JSONDecodeError, UnicodeDecodeError):
        raise SearchConsoleError(f"{path}: not a valid JSON file (set by {key})") from None


def _service_account(info, where: str) -> tuple[Credentials, str]:
    if not isinstance(info, dict):
        raise SearchConsoleError(f"{where}: expected a JSON object (a service-account key)")
    if "installed" in info or "web" in info:
        raise SearchConsoleError(
            f"{where}: this is an OAuth client secrets file, not a service-account key; set it "
            "as oauth_client_file and run `kundensprache auth`"
        )
    if info.get("type") != "service_account":
        raise SearchConsoleError(
            f'{where}: not a service-account key ("type" is {info.get("type")!r}, expected '
            "'service_account'); create a JSON key for the service account in the Google Cloud "
            "console"
        )
    missing = [k for k in _SERVICE_ACCOUNT_FIELDS if not info.get(k)]
    if missing:
        raise SearchConsoleError(f"{where}: service-account key lacks {', '.join(missing)}")
    try:
        creds = service_account.Credentials.from_service_account_info(info, scopes=[SCOPE])
    except (ValueError, TypeError):
        # The library's message may quote key material: say what is wrong in our own words.
        raise SearchConsoleError(
            f"{where}: the private key could not be read; download a fresh JSON key for "
            f"{info['client_email']}"
        ) from None
    return creds, info["client_email"]


def _oauth_user(token_file: Path) -> tuple[Credentials, str]:
    if not token_file.is_file():
        raise SearchConsoleError(
            f"{token_file}: OAuth token file not found; run `kundensprache auth` first"
        )
    info = _read_json(token_file, "oauth_token_file")
    try:
        creds = user_credentials.Credentials.from_authorized_user_info(info, scopes=[SCOPE])
    except (ValueError, TypeError, AttributeError):
        raise SearchConsoleError(
            f"{token_file}: not an OAuth token file written by `kundensprache auth`; run it again"
        ) from None
    account = info.get("account") or "the Google account"
    return creds, f"{account} (OAuth token {token_file})"


def _secret_block_value(name: str):
    """The value of a Prefect Secret block (a str or, for JSON secrets, a dict)."""
    from prefect.blocks.system import Secret

    try:
        return Secret.load(name).get()
    except ValueError:
        raise SearchConsoleError(
            f"Prefect Secret block {name!r} not found; create it in the Prefect UI (Blocks -> "
            "Secret) with the service-account key file's content"
        ) from None


def _write_private(path: Path, text: str) -> None:
    """Write atomically with mode 0600: the token grants read access to Search Console."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        fh.write(text)
    os.chmod(tmp, 0o600)
    os.replace(tmp, path)
