"""One normalisation for every text that must be compared: phrases, queries, config terms.

A key is the sorted set of content lemmas, folded: lemmas from the spacy-lookups-data tables
(no trained model needed), case-folded, umlauts spelled out (``ä`` -> ``ae``, ``ß`` -> ``ss``),
hyphen and space variants split the same way ("CRM-Tools", "CRM Tool" -> ``crm tool``), stop
words dropped except question words. Sorting makes "Schnittstelle zu DATEV" and
"DATEV-Schnittstelle" one key; the rare pair where order changes meaning ("card payment" vs
"payment card") is accepted as one keyword topic.

Single-word lemmas come from :mod:`extractors.lemmas`, German compound parts from
:mod:`extractors.compounds`; ``fold``, ``lemma_table`` and ``lemmatise`` are re-exported here
because this module is the one normalisation API the rest of the package uses.
"""

from __future__ import annotations

import functools
import re

from kundensprache.core.language_codes import primary_language
from kundensprache.extractors.compounds import split_compound
from kundensprache.extractors.lemmas import lemma_table, lemmatise
from kundensprache.extractors.lexicon import fold, has_spacy_language, key_stop_words

__all__ = [
    "canonical_lang",
    "content_lemmas",
    "fold",
    "key_from_lemmas",
    "lemma_table",
    "lemmatise",
    "phrase_key",
    "unit_lemmas",
    "word_parts",
]

# A word with its hyphenated parts ("E-Mail-Versand"); apostrophes split (French elision).
_WORD = re.compile(r"[^\W_]+(?:[-‐‑][^\W_]+)*")
_EN_NOT = re.compile(r"n[’']t\b", re.IGNORECASE)
_EN_CLITIC = re.compile(r"[’'](?:s|re|ve|ll|d|m)\b", re.IGNORECASE)
_HYPHENS = re.compile(r"[-‐‑]")


def canonical_lang(lang: str | None) -> str:
    """``de-DE`` -> ``de``; unknown, empty or ``und`` -> ``xx`` (spaCy's multilingual)."""
    code = primary_language(lang)
    if not code or code == "und" or not has_spacy_language(code):
        return "xx"
    return code


def word_parts(text: str, lang: str) -> list[str]:
    """The words of ``text`` with hyphenated words split, English clitics removed.

    A one-letter part joins the next one ("E-Mail" -> "EMail") because that is how the
    variant without hyphen is spelled ("Email").
    """
    if lang == "en":
        text = _EN_CLITIC.sub("", _EN_NOT.sub(" not", text))
    parts: list[str] = []
    for match in _WORD.finditer(text):
        pieces = _HYPHENS.split(match.group())
        i = 0
        while i < len(pieces):
            piece = pieces[i]
            if len(piece) == 1 and piece.isalpha() and i + 1 < len(pieces):
                pieces[i + 1] = piece + pieces[i + 1]
            elif len(piece) > 1 or piece.isdigit():
                parts.append(piece)
            i += 1
    return parts


def unit_lemmas(text: str, lang: str) -> tuple[str, ...]:
    """Folded content lemmas of one token or short text, in order, stop words removed."""
    cache = _unit_cache(lang)
    found = cache.get(text)
    if found is not None:
        return found
    stops = key_stop_words(lang)
    lemmas = []
    for part in word_parts(text, lang):
        lower = part.lower()
        if lower in stops:
            continue
        # German closed compounds count as their parts: "Handwerkersoftware" has the key
        # of "Software für Handwerker" (extractors.compounds).
        pieces = split_compound(lower) if lang == "de" else (lower,)
        for piece in pieces if len(pieces) > 1 else (part,):
            lemma = lemmatise(piece, lang)
            if lemma and lemma not in stops:
                lemmas.append(lemma)
    result = tuple(lemmas)
    if len(cache) > 500_000:  # a long-running process must not grow without bound
        cache.clear()
    cache[text] = result
    return result


@functools.cache
def _unit_cache(lang: str) -> dict[str, tuple[str, ...]]:
    return {}


def key_from_lemmas(lemmas) -> str:
    """The key for a collection of content lemmas: sorted, unique, space-separated."""
    return " ".join(sorted(set(lemmas)))


def content_lemmas(text: str, lang: str) -> tuple[str, ...]:
    """Sorted, unique, folded content lemmas of any text; stop words removed.

    Two texts that say the same thing in different inflection, case, hyphenation or word
    order give equal tuples: "Angebote als PDF verschicken" and "angebot pdf verschicken"
    both give ``('angebot', 'pdf', 'verschicken')``.
    """
    lang = canonical_lang(lang)
    lemmas: set[str] = set()
    for chunk in text.split():
        lemmas.update(unit_lemmas(chunk, lang))
    return tuple(sorted(lemmas))


def phrase_key(text: str, lang: str) -> str:
    """The normalised key of any text (phrase, Search Console query, config term).

    ``phrase_key("CRM-Tools", "de") == phrase_key("crm tool", "de") == "crm tool"``.
    """
    return " ".join(content_lemmas(text, lang))
