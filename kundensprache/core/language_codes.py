"""Language codes as the inputs bring them ("de-DE", "en_GB", "DE"): one normalisation."""

from __future__ import annotations


def primary_language(code: str | None) -> str:
    """The primary subtag, lower-case: "de-DE", "de_AT", " DE " -> "de"; none -> ""."""
    return (code or "").strip().lower().replace("_", "-").split("-")[0]
