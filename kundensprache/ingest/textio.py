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
        text = _try(data, "utf-8") or _mostly(data, "utf-8")
        if text is None:
            text = _try(data, "cp1252")
    if text is None or _noisy(text):
        raise Rejected("undecodable bytes: not UTF-8, UTF-16 or cp1252/latin-1 text")
    if _scrambled(text):
        raise Rejected("binary content, not text (random-looking characters from many scripts)")
    return text.replace("\r\n", "\n").replace("\r", "\n")


# Mail clients label text with a charset its bytes often exceed (Outlook writes "GB2312"
# for GBK text, "iso-8859-1" for cp1252 quotes): decode with the superset the label implies.
SUPERSETS = {
    "gb2312": "gb18030", "gbk": "gb18030", "x-gbk": "gb18030", "cp936": "gb18030",
    "euc-cn": "gb18030", "big5": "big5hkscs", "ks_c_5601-1987": "cp949", "euc-kr": "cp949",
    "shift_jis": "cp932", "sjis": "cp932", "x-sjis": "cp932", "iso-8859-1": "cp1252",
    "latin1": "cp1252", "latin-1": "cp1252", "us-ascii": "cp1252", "ascii": "cp1252",
    "iso-8859-9": "cp1254", "windows-874": "cp874", "tis-620": "cp874", "iso-8859-8-i": "iso-8859-8",
}  # fmt: skip


def superset(charset: str | None) -> str | None:
    """The codec to decode text labelled ``charset`` with (its common superset)."""
    if not charset:
        return None
    name = charset.strip().strip('"').lower()
    return SUPERSETS.get(name, name)


def decode_with_charset(data: bytes, charset: str | None) -> str:
    """Decode a MIME part: the declared charset (as its superset) if it works, else the
    plain text rules (UTF-8, UTF-16, cp1252)."""
    codec = superset(charset)
    if codec:
        try:
            text = data.decode(codec)
            if not _noisy(text) and not _scrambled(text):
                return text.replace("\r\n", "\n").replace("\r", "\n")
        except (LookupError, UnicodeDecodeError):
            text = _mostly(data, codec)
            if text is not None and not _noisy(text):
                return text.replace("\r\n", "\n").replace("\r", "\n")
    return decode_text(data)


def _mostly(data: bytes, encoding: str) -> str | None:
    """Text in ``encoding`` with a few broken bytes (a mail cut mid-character, one bad byte
    pair): those dropped, when they are at most one in 500 characters and the encoding
    decoded several times as many non-ASCII characters (so it is really that encoding)."""
    try:
        text = data.decode(encoding, errors="replace")
    except LookupError:
        return None
    bad = text.count("\ufffd")
    good = sum(1 for c in text if ord(c) > 127) - bad  # characters the encoding did decode
    if bad > max(2, len(text) // 500) or good < 4 * bad:
        return None
    return text.replace("\ufffd", "")


def _try(data: bytes, encoding: str) -> str | None:
    try:
        return data.decode(encoding)
    except UnicodeDecodeError:
        return None


def _scrambled(text: str) -> bool:
    """Bytes that are no text decode (as UTF-16 or a legacy code page) to characters from
    dozens of unrelated Unicode blocks; real text in any language uses a handful."""
    sample = text[:20_000]
    if len(sample) < 64:
        return False
    blocks = {_block(ord(c)) for c in set(sample) if not c.isspace()}  # each character once
    return len(blocks) > 40


def _block(code: int) -> int:
    """A 128-character block; the big CJK and Hangul ranges count as one block each."""
    if 0x3400 <= code <= 0x9FFF or 0xF900 <= code <= 0xFAFF:
        return -1
    if 0xAC00 <= code <= 0xD7AF:
        return -2
    return code >> 7


def _noisy(text: str) -> bool:
    """More than 1 % control characters: not a text file whatever the decoder said."""
    if not text:
        return False
    sample = text[:200_000]
    return len(_CONTROL.findall(sample)) > max(2, len(sample) // 100)
