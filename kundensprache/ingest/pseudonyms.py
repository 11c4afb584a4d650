"""Stable pseudonyms for identifiers that carry names: file paths and account names.

A file dropped into the inbox is often named after a person ("anruf_mueller_2026-03.txt",
"Notiz Kerstin Quastenberg.docx"); an account is often a person ("Praxis Dr. Vollstedt").
These fields identify things (incremental ingest, counting per account), so a name in them
is replaced by a short keyed hash of the name, the same every time: the report still tells
two files or two accounts apart and counts them, but names no one. A path part is taken for
a name when it is a listed first name or surname (person_names.py) or follows an honorific or
a first name; a surname alone that is not listed stays (see SECURITY.md).
"""

from __future__ import annotations

import hashlib
import re

from kundensprache.ingest.name_lists import UMLAUTS, folded_names
from kundensprache.ingest.person_names import FIRST_NAMES, SURNAMES, ordinary

_KEY = b"kundensprache-pseudonym-v1"  # not a secret: pseudonyms only need to be stable
_TOKEN = re.compile(r"[^\W\d_]{2,40}")  # a run of letters between separators
KNOWN_NAMES = _KNOWN = {n.casefold() for n in FIRST_NAMES | SURNAMES} | {
    n.casefold().translate(UMLAUTS) for n in FIRST_NAMES | SURNAMES
}


def pseudonym(value: str, prefix: str = "name") -> str:
    digest = hashlib.blake2s(value.casefold().encode(), key=_KEY, digest_size=4).hexdigest()
    return f"{prefix}-{digest}"


# Words of export and tool names that are rare as words but no one's name.
_TOOL_WORDS = {
    "hubspot", "pipedrive", "salesforce", "zoho", "dynamics", "sharepoint", "onedrive",
    "gmail", "outlook", "thunderbird", "webex", "gotomeeting", "transkript", "mbox", "docx",
    "xlsx", "eml", "msg", "vtt", "srt", "utf", "cp", "latin",
}  # fmt: skip


_HONORIFICS = {
    "frau",
    "herr",
    "herrn",
    "hr",
    "fr",
    "mr",
    "mrs",
    "ms",
    "dr",
    "prof",
    "familie",
    "fam",
}
_FIRST = {n.casefold() for n in FIRST_NAMES} | {
    n.casefold().translate(UMLAUTS) for n in FIRST_NAMES
}


def is_name_token(token: str, previous: str = "") -> bool:
    """A listed first name or surname (also spelt without umlauts), or any word right after
    an honorific or a first name ("frau_lindqvist", "kerstin-quastenberg"). Rare words alone
    are not taken: German compounds ("erstgespraech", "steuerberatung") are rare too."""
    folded, before = token.casefold(), previous.casefold()
    if folded in _TOOL_WORDS or re.fullmatch(r"[a-f]+", folded) or len(folded) < 3:
        return False
    if folded in KNOWN_NAMES or before in _HONORIFICS or (before in _FIRST and len(folded) >= 4):
        return True
    return _maintained_name(folded)


def _maintained_name(folded: str) -> bool:
    """A first name or surname of the maintained list (name_lists.py) that is no ordinary
    word: "vallejo", "grzybowska"; not "kosten", "winter" or "lager" (also names there)."""
    first, last = folded_names()
    return (folded in first or folded in last) and not ordinary(folded)


def redact_path(path: str) -> str:
    """``calls/anruf_mueller.txt`` -> ``calls/anruf_name-1a2b3c4d.txt``: every name-like run
    of letters in the file and folder names below the source folder gets its pseudonym."""
    if path.startswith("/") or ":" in path[:3]:  # outside the inbox: only the file name
        head, sep, rest = path.rpartition("/")
    else:
        head, sep, rest = path.partition("/")
    if not sep:
        head, rest = "", path
    parts = []
    for part in rest.split("/"):
        stem, dot, ext = part.rpartition(".") if "." in part else (part, "", "")
        stem = _pseudonymise_stem(stem[:300])
        parts.append(f"{stem}{dot}{ext}")
    return (head + "/" if sep else "") + "/".join(parts)


def _pseudonymise_stem(stem: str) -> str:
    out, pos, previous = [], 0, ""
    for match in _TOKEN.finditer(stem):
        token = match[0]
        out += [
            stem[pos : match.start()],
            pseudonym(token) if is_name_token(token, previous) else token,
        ]
        pos, previous = match.end(), token
    out.append(stem[pos:])
    return "".join(out)
