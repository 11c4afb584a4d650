"""The last gate before anything is written: no keyword that is a person's name, no name
that redaction found anywhere in the corpus in any output text.

Ingest records a keyed hash of every word of every person name it redacted (``name_keys``;
the store keeps the hashes in ``person_name_keys``, never the names). Here a keyword is
dropped when it is a person's name by the name lists (ours and the maintained one,
name_lists.py) or contains a word recorded as a name anywhere in the corpus ("Vallejo" alone
in one note, known as "Viviana Vallejo" from a speaker label in another); and every word of
an output text recorded as a name is masked. So a surname alone that escaped redaction in
one document still reaches no output once the corpus names that person anywhere.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable, Mapping, Sequence
from functools import lru_cache
from typing import Any

from kundensprache.core.models import Document, Segment
from kundensprache.ingest.name_lists import UMLAUTS, folded_names
from kundensprache.ingest.person_names import (
    AMBIGUOUS,
    FIRST_NAMES,
    LONE_FIRST_RARE,
    RARE,
    SURNAMES,
    ordinary,
    rare,
    zipf,
)
from kundensprache.store import Store

NAME = "[NAME]"

_FOLDED_FIRST = {n.casefold() for n in FIRST_NAMES - AMBIGUOUS}
_FOLDED_ANY_FIRST = {n.casefold() for n in FIRST_NAMES}
_FOLDED_SURNAMES = {n.casefold() for n in SURNAMES}


def looks_like_person_name(keyword: str, seen: frozenset[str] = frozenset()) -> bool:
    """The last gate before a keyword is written. A person's name is: a word seen as a
    person's name anywhere in the corpus (``seen``: name_keys of the names redaction
    found); a first name alone ("anna"); a listed surname alone that is rare as an ordinary
    word ("vallejo", not "koch"); a first name with a surname-like word ("jolanta
    grzybowska", "anna müller"); or two or three words all rare as ordinary German or English
    words (an unknown first name with its surname). Used on keyword candidates, never on
    free text."""
    words = keyword.casefold().replace("-", " ").split()
    if not words or len(words) > 3:
        return False
    if seen and any(name_key(w) in seen for w in words):
        return True
    first_names, surnames = folded_names()
    if len(words) == 1:
        word = words[0]
        if word in _FOLDED_FIRST:
            return True
        if word in first_names and _spelt_as_name(keyword) and rare(word, LONE_FIRST_RARE):
            return True  # "Susanna" (the waiter of a review); not "EDI", "Döner", "Wirt"
        return (word in first_names or word in surnames) and rare(word, RARE)
    first, last = words[0], words[-1]
    is_first = first in _FOLDED_ANY_FIRST or (first in first_names and not ordinary(first))
    is_last = last in _FOLDED_SURNAMES or last in surnames or rare(last, RARE)
    if is_first and is_last:
        return True
    return all(rare(w, 2.5) and w.isalpha() for w in words)


def _spelt_as_name(word: str) -> bool:
    """Capitalised, the rest lower case: "Susanna", not "EDI" or "susanna"."""
    word = word.strip()
    return word[:1].isupper() and word[1:].islower()


_KEY = b"kundensprache-person-name-v1"


@lru_cache(maxsize=200_000)  # words repeat (Zipf): most lookups of a corpus hit the cache
def name_key(word: str) -> str:
    """A keyed hash of one name word (casefolded, umlauts spelt out): what the store keeps of
    the names redaction found, so the output gate can recognise them without the store
    holding any name. Not a secret: someone who guesses a name can test it (SECURITY.md)."""
    folded = word.casefold().strip(".,;:'’").translate(UMLAUTS)
    return hashlib.blake2s(folded.encode(), key=_KEY, digest_size=8).hexdigest()


def name_keys(names: Iterable[str], strong: Iterable[str] = ()) -> set[str]:
    """Keys of the words of person names worth recognising alone, so that a keyword is
    blocked only by what really was someone's name. ``strong``: names redaction itself took
    for a person (after an honorific, an initial, in a greeting, a first name with its
    surname); ``names``: names from the context (contact columns, mail display names,
    speaker labels), which count only when they hold a first name — "Brandt Haustechnik" or
    "Einkauf Team" in a From: header is a company. Of a counted name: letters only, three or
    more; a listed name unless very common ("Müller", "Koch", "Winter", not "Team"), another
    word only when rare ("Vallejo", "Weizsäcker")."""
    first_names, surnames = folded_names()
    keys = set()
    for name, evident in [(n, False) for n in names] + [(n, True) for n in strong]:
        words = [w.strip("'’").casefold() for w in re.split(r"[^\w'’]+|-", name)]
        words = [w for w in words if len(w) >= 3 and w.isalpha()]
        if not evident and not any(_is_first_name(w, first_names, surnames) for w in words):
            continue
        for word in words:
            listed = word in first_names or word in surnames or word in _FOLDED_ANY_FIRST
            if zipf(word) < (_VERY_COMMON if listed else _NAME_LIKE):
                keys.add(name_key(word))
    return keys


def _is_first_name(word: str, first_names: frozenset[str], surnames: frozenset[str]) -> bool:
    """Ours, or only a first name in the maintained list ("Brandt" is both there)."""
    if word in _FOLDED_FIRST:
        return True
    return word in first_names and word not in surnames and not ordinary(word)


_VERY_COMMON = 5.0
_NAME_LIKE = 3.5


_WORDS = re.compile(r"[^\W\d_]{3,}")


def mask_seen_names(text: str, seen: frozenset[str]) -> str:
    """Every word of ``text`` recorded as a person's name becomes [NAME] (linear: one pass,
    one hash per word)."""
    if not seen or not text:
        return text
    return _WORDS.sub(lambda m: NAME if name_key(m[0]) in seen else m[0], text)


def mask_row(row: Mapping[str, Any], seen: frozenset[str]) -> dict[str, Any]:
    """A table row with every text cell masked (``mask_seen_names``)."""
    return {k: mask_seen_names(v, seen) if isinstance(v, str) else v for k, v in row.items()}


def seen_names(store_url: str) -> frozenset[str]:
    """The person-name keys ingest recorded in the store."""
    with Store(store_url) as store:
        return store.person_name_keys()


def publishable(candidates: Sequence[Any], seen: frozenset[str]) -> list[Any]:
    """The keyword candidates (anything with ``.term.keyword``) that are no person's name."""
    return [c for c in candidates if not looks_like_person_name(c.term.keyword, seen)]


def mask_known_names(documents: Iterable[Document], known: frozenset[str]) -> None:
    """Before documents are stored: every word of their text and title recorded as a name
    (in the store, or by any document of the same batch) becomes [NAME], so "Vallejo fragt …"
    alone in one note is not stored once a speaker label in the batch or an earlier run said
    "Viviana Vallejo". The document id stays that of the text as read (dedupe is unchanged)."""
    if not known:
        return
    for doc in documents:
        doc.segments = [Segment(s.role, mask_seen_names(s.text, known)) for s in doc.segments]
        doc.title = mask_seen_names(doc.title, known)
