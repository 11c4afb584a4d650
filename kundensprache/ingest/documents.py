"""Building Documents: merge speaker turns, redact, hash for dedupe, label the language."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date

from kundensprache.core.models import ROLES, Document, Segment
from kundensprache.ingest.language import detect_language
from kundensprache.ingest.name_gate import name_keys
from kundensprache.ingest.name_lists import UMLAUTS
from kundensprache.ingest.person_names import find_person_names
from kundensprache.ingest.redact import NAME, name_parts, redact
from kundensprache.ingest.sanitize import strip_debris

_SPACES = re.compile(r"[ \t\u00a0]+")
_BLANKS = re.compile(r"\n{3,}")
_NON_WORD = re.compile(r"[\W_]+")


@dataclass
class Draft:
    """A document before redaction: raw turns plus what we know about it."""

    turns: list[tuple[str, str]]  # (role, raw text)
    account: str | None = None
    date: date | None = None
    title: str = ""
    names: set[str] = field(default_factory=set)  # person names to redact in this document


def clean_text(text: str) -> str:
    """Collapse runs of spaces, trim lines, keep paragraph breaks."""
    lines = [_SPACES.sub(" ", line).strip() for line in text.split("\n")]
    return _BLANKS.sub("\n\n", "\n".join(lines)).strip()


def doc_id_for(source: str, segments: Iterable[Segment]) -> str:
    """Content hash: source + the text reduced to lower-case words, so the same note
    re-wrapped, re-quoted or re-exported with other punctuation is still the same note."""
    words = _NON_WORD.sub(" ", " ".join(s.text for s in segments).casefold()).strip()
    return hashlib.sha256(f"{source}\n{words}".encode()).hexdigest()


def redact_account(account: str | None, names: Iterable[str]) -> str | None:
    """Company names and mail domains often carry a person's surname ("praxis-mueller.de",
    "Wimmelbrink Bau GmbH"): a word of the account that is a known name part (also spelt
    without umlauts) is replaced, whole words only ("continuityinsights.com" keeps its
    letters when "Continuity" is a name). A changed account gets a short stable tag of the
    original, so two companies whose names both held a surname stay two accounts."""
    account = (account or "").strip()
    if not account:
        return None
    parts = {p.casefold() for n in names for p in name_parts(n) if len(p) >= 4}
    variants = parts | {p.translate(UMLAUTS) for p in parts}
    pieces = _ACCOUNT_WORDS.split(account)
    changed = False
    for i, piece in enumerate(pieces):
        if piece.casefold() in variants:
            pieces[i] = NAME
            changed = True
    redacted = redact("".join(pieces))  # "Praxis Dr. Vollstedt", "Anna Schmidt GmbH"
    if NAME in redacted and redacted != "".join(pieces):
        pieces, changed = [redacted], True
    if not changed:
        return account
    tag = hashlib.sha256(account.casefold().encode()).hexdigest()[:6]
    return f"{''.join(pieces)} #{tag}"


_ACCOUNT_WORDS = re.compile(r"([\W_]+)")


def build_document(
    draft: Draft, source: str, file: str, names: Iterable[str] = ()
) -> Document | None:
    """Redact and finish a draft; None when nothing but whitespace is left."""
    all_names = set(draft.names) | set(names)
    # A "First Last" seen anywhere in the document makes "Last" alone redactable everywhere in it.
    for _, raw in draft.turns:
        all_names |= find_person_names(raw)
    all_names |= find_person_names(draft.title)
    segments: list[Segment] = []
    found: set[str] = set()  # names redaction itself takes for a person
    for role, raw in draft.turns:
        if role not in ROLES:
            role = "unknown"
        text = clean_text(redact(strip_debris(raw), all_names, found))
        if not text:
            continue
        segments.append(Segment(role, text))  # readers decide what one turn is
    if not segments or not any(c.isalnum() for s in segments for c in s.text):
        return None
    title = clean_text(redact(strip_debris(draft.title), all_names, found)) if draft.title else ""
    return Document(
        doc_id=doc_id_for(source, segments),
        source=source,
        file=file,
        account=redact_account(draft.account, all_names),
        date=draft.date,
        language=detect_language("\n".join(s.text for s in segments)),
        segments=segments,
        title=title,
        name_keys=tuple(sorted(name_keys(all_names, strong=found))),
    )
