"""Format debris out of text before it is stored: what no customer ever said.

Readers do their best, but real files leak their format: a mail with a broken MIME structure
shows part headers and base64, a caption file its timing lines and cue settings, an HTML
body its tags, Outlook its inline-image placeholders ``[cid:image001.png@01D…]``, a
quoted-printable body its ``=0D=0A`` escapes. Every stored text passes through
``strip_debris`` so none of that becomes a keyword. All patterns are linear (no nested
quantifiers) and bounded.
"""

from __future__ import annotations

import html
import re

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u200b-\u200f\u2028\u2029\ufeff]")
_CID = re.compile(r"\[cid:[^\]\n]{0,300}\]|<cid:[^>\n]{0,300}>|\bcid:[\w.@$%-]{1,200}", re.I)
_MIME_HEADER = re.compile(
    r"^\s*(?:Content-(?:Type|Transfer-Encoding|Disposition|ID|Description|Location)|"
    r"MIME-Version|X-[A-Za-z-]{1,60})\s*:.*$",
    re.IGNORECASE,
)
_MIME_PARAM = re.compile(r"^\s+(?:boundary|charset|name|filename)\*?=", re.IGNORECASE)
_BOUNDARY = re.compile(r"^\s*--[\w'()+,./:=?-]{6,80}\s*$")
_BASE64 = re.compile(r"^\s*[A-Za-z0-9+/]{40,}={0,2}\s*$")
_QP_RUN = re.compile(r"(?:=[0-9A-F]{2}){2,}")
_TIMING = re.compile(
    r"^\s*(?:\d+\s*)?\d{1,2}:\d{2}(?::\d{2})?[.,]\d{1,3}\s*-->\s*\d{1,2}:\d{2}(?::\d{2})?[.,]\d{1,3}.*$"
)
_CUE_SETTING = re.compile(r"\b(?:align|position|line|size|vertical|region):[\w.%-]{1,20}")
_VTT_HEADER = re.compile(r"^\s*(?:WEBVTT\b.*|Kind:\s*captions|Language:\s*\w{2,8}|##)\s*$")
_TAG = re.compile(r"</?[a-zA-Z][a-zA-Z0-9:-]{0,20}(?:\s[^<>\n]{0,500})?/?>")
_HTMLISH = re.compile(r"</?(?:p|br|div|span|td|tr|table|html|body|font|b|i|u|a|img|li|ul)\b", re.I)
_ENTITY = re.compile(r"&(?:#\d{1,7}|#x[0-9a-fA-F]{1,6}|[a-zA-Z]{2,8});")


def strip_debris(text: str) -> str:
    """``text`` without control characters, MIME headers and boundaries, base64 blocks,
    quoted-printable escapes, caption timing and settings, HTML tags and ``cid:`` refs."""
    if not text:
        return text
    text = _CONTROL.sub("", text)
    text = _CID.sub(" ", text)
    if _HTMLISH.search(text):
        text = _TAG.sub(" ", text)
    if "&" in text and _ENTITY.search(text):
        text = html.unescape(text)
    kept = []
    for line in text.split("\n"):
        if _is_debris_line(line):
            continue
        if "=" in line:
            line = _QP_RUN.sub(" ", line)
        if ":" in line and ("align:" in line or "position:" in line):
            line = _CUE_SETTING.sub("", line)
        kept.append(line)
    return "\n".join(kept)


def _is_debris_line(line: str) -> bool:
    return bool(
        _MIME_HEADER.match(line)
        or _MIME_PARAM.match(line)
        or _BOUNDARY.match(line)
        or (_BASE64.match(line) is not None and _encoded_looking(line))
        or _TIMING.match(line)
        or _VTT_HEADER.match(line)
    )


def _encoded_looking(line: str) -> bool:
    """A base64 line mixes cases and digits or +/; a long compound word does not."""
    return (
        any(c.isdigit() or c in "+/" for c in line)
        and any(c.isupper() for c in line)
        and any(c.islower() for c in line)
    )
