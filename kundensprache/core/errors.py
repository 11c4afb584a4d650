"""The errors a user can act on, one base for all of them.

Every expected failure derives from :class:`KundenspracheError`: its message says what
happened, its ``hint`` (optional) what to do. The CLI prints both as one or two lines and
exits with the class's ``exit_code``, without a traceback; any other exception is a bug and
keeps its traceback.
"""

from __future__ import annotations

# Exit codes of the CLI (documented in the README).
EXIT_INPUT = 2  # the user's input or config
EXIT_SERVICE = 3  # an outside service (Search Console)


class KundenspracheError(Exception):
    """An expected failure; the message is the whole story (no secrets, no traceback)."""

    exit_code = EXIT_INPUT
    hint = ""

    def __init__(self, message: str = "", *, hint: str = ""):
        super().__init__(message)
        if hint:
            self.hint = hint


class ConfigError(KundenspracheError, ValueError):
    """The config file, an environment override or a configured file/model is wrong."""


class InputError(KundenspracheError, ValueError):
    """A file, folder, month or option the user gave cannot be used."""


class ExternalServiceError(KundenspracheError):
    """An outside service (Search Console) refused, failed or could not be reached."""

    exit_code = EXIT_SERVICE


def user_message(exc: KundenspracheError) -> str:
    """What the CLI prints: the message, then the hint on its own line when there is one."""
    text = str(exc).strip() or type(exc).__name__
    return f"{text}\n{exc.hint}" if exc.hint else text
