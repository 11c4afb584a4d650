"""Bytes -> text for files people export from Windows, Excel and mail clients.

Sales material arrives as UTF-8 (with or without BOM), UTF-16 (Excel "Unicode text"),
cp1252/latin-1 (older Windows tools) or not as text at all (a PDF renamed .txt). We decode
what is plausibly text and refuse the rest with a reason a non-technical user understands.
"""

from __future__ import annotations

import codecs
import re

from kundensprache.ingest.errors import Rejected

# Magic numbers of common binary files, so a rejection can say what the file really is.
_MAGIC = (
    (b"%PDF", "a PDF document"),
    (b"PK\x03\x04", "a zip archive (e.g. .docx/.xlsx)"),
    (b"\xd0\xcf\x11\xe0", "an old Office file (.doc/.xls/.msg)"),
    (b"\x89PNG", "a PNG image"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"GIF8", "a GIF image"),
    (b"\x1f\x8b", "a gzip archive"),
    (b"MZ", "a Windows program"),
    (b"\x7fELF", "a program"),
)

# C0 controls except tab/newline/carriage return/form feed, plus the C1 block.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f-\x9f]")


def sniff_binary(data: bytes) -> str | None:
    """What binary format ``data`` looks like, or None if it may be text."""
    for magic, what in _MAGIC:
        if data.startswith(magic):
            return what
    head = data[:8192]
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return None
    if b"\x00" in head:
        return "binary data"
    return None


def decode_text(data: bytes) -> str:
    """Decode text bytes: BOM-marked UTF-8/UTF-16, else UTF-8, else cp1252 (covers latin-1).

    Raises Rejected for binary content and for bytes that decode to control-character noise.
    Newlines are normalised to ``\\n``.
    """
    what = sniff_binary(data)
    if what:
        raise Rejected(f"binary content, not text (looks like {what})")
    text: str | None = None
    if data.startswith(codecs.BOM_UTF8):
        text = _try(data[3:], "utf-8")
    elif data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        text = _try(data, "utf-16")
    else:
        text = _try(data, "utf-8")
        if text is None:
            text = _try(data, "cp1252")
    if text is None or _noisy(text):
        raise Rejected("undecodable bytes: not UTF-8, UTF-16 or cp1252/latin-1 text")
    return text.replace("\r\n", "\n").replace("\r", "\n")


def decode_with_charset(data: bytes, charset: str | None) -> str:
    """Decode a MIME part: the declared charset if it works, else the plain text rules."""
    if charset:
        try:
            text = data.decode(charset)
            if not _noisy(text):
                return text.replace("\r\n", "\n").replace("\r", "\n")
        except (LookupError, UnicodeDecodeError):
            pass
    return decode_text(data)


def _try(data: bytes, encoding: str) -> str | None:
    try:
        return data.decode(encoding)
    except UnicodeDecodeError:
        return None


def _noisy(text: str) -> bool:
    """More than 1 % control characters: not a text file whatever the decoder said."""
    if not text:
        return False
    sample = text[:200_000]
    return len(_CONTROL.findall(sample)) > max(2, len(sample) // 100)
