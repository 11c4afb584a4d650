"""One normalisation for every text that must be compared: phrases, queries, config terms.

A key is the sorted set of content lemmas, folded: lemmas from the spacy-lookups-data tables
(no trained model needed), case-folded, umlauts spelled out (``ä`` -> ``ae``, ``ß`` -> ``ss``),
hyphen and space variants split the same way ("CRM-Tools", "CRM Tool" -> ``crm tool``), stop
words dropped except question words. Sorting makes "Schnittstelle zu DATEV" and
"DATEV-Schnittstelle" one key; the rare pair where order changes meaning ("card payment" vs
"payment card") is accepted as one keyword topic.

Lemmatisation is case-insensitive on purpose: a Search Console query is lower-case, a German
note is not, and both must give the same key. Words the lookup table does not know get a
frequency-guided suffix strip ("Tools" -> "tool", "Schnittstellen" -> "schnittstelle") and, in
German, the lemma of their longest known tail ("Datenpflegeprozessen" -> "datenpflegeprozess").
"""

from __future__ import annotations

import functools
import gzip
import json
import re
from pathlib import Path

import spacy_lookups_data

from kundensprache.extractors.compounds import split_compound
from kundensprache.extractors.frequency import zipf
from kundensprache.extractors.lexicon import WH_WORDS, has_spacy_language, key_stop_words

_FOLD = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss"})
# A word with its hyphenated parts ("E-Mail-Versand"); apostrophes split (French elision).
_WORD = re.compile(r"[^\W_]+(?:[-‐‑][^\W_]+)*")
_EN_NOT = re.compile(r"n[’']t\b", re.IGNORECASE)
_EN_CLITIC = re.compile(r"[’'](?:s|re|ve|ll|d|m)\b", re.IGNORECASE)
_HYPHENS = re.compile(r"[-‐‑]")

# Lookup-table lemmas that are wrong for business text ("Daten" is not the plural of "Datum").
LEMMA_OVERRIDES = {
    "de": {"daten": "daten", "kosten": "kosten", "medien": "medien"},
    "en": {"data": "data", "media": "media", "pending": "pending", "news": "news"},
}
# Suffixes tried, in order, for words the lookup table does not know.
_STRIP_SUFFIXES = {"de": ("en", "n", "s"), "en": ("es", "s")}
_MIN_STEM = 3
_MIN_STEM_ZIPF = 2.5


def canonical_lang(lang: str | None) -> str:
    """``de-DE`` -> ``de``; unknown, empty or ``und`` -> ``xx`` (spaCy's multilingual)."""
    code = (lang or "").strip().lower().replace("_", "-").split("-")[0]
    if not code or code == "und" or not has_spacy_language(code):
        return "xx"
    return code


def fold(text: str) -> str:
    """Case-fold and spell out umlauts, so "Größe", "groesse" and "GRÖSSE" compare equal."""
    return text.casefold().translate(_FOLD)


@functools.cache
def lemma_table(lang: str) -> dict[str, str]:
    """The spacy-lookups-data lemma table for ``lang`` as a plain dict (empty if none)."""
    path = Path(spacy_lookups_data.__file__).parent / "data" / f"{lang}_lemma_lookup.json.gz"
    if not path.is_file():
        return {}
    with gzip.open(path, "rt", encoding="utf-8") as handle:
        return json.load(handle)


def lemmatise(word: str, lang: str) -> str:
    """Folded lemma of one word (no hyphens, no spaces); cached per language."""
    cache = _lemma_cache(lang)
    lemma = cache.get(word)
    if lemma is None:
        lemma = fold(_lemma(word, lang))
        cache[word] = lemma
    return lemma


@functools.cache
def _lemma_cache(lang: str) -> dict[str, str]:
    return {}


def _lemma(word: str, lang: str) -> str:
    lower = word.lower()
    if lower in WH_WORDS.get(lang, ()):
        return lower
    overrides = LEMMA_OVERRIDES.get(lang, {})
    if lower in overrides:
        return overrides[lower]
    table = lemma_table(lang)
    if lang == "de":
        # Capitalised first: German nouns are what keywords are made of ("Betriebe" ->
        # "Betrieb", not the verb "betreiben").
        found = table.get(lower.capitalize()) or table.get(lower)
    else:
        found = table.get(lower) or table.get(word)
    if isinstance(found, list):  # some tables list several lemmas; the first is the usual
        found = found[0] if found else None
    if found:
        return found
    stripped = _strip_suffix(lower, lang)
    if stripped:
        return stripped
    if lang == "de" and len(lower) >= 8 and zipf(lower, lang) < _MIN_STEM_ZIPF:
        # Only words everyday German does not know are productive compounds; a known word
        # ("verschicken") must not lose its prefix to a tail lookup ("Schicken").
        return _compound_head_lemma(lower, table, overrides)
    return lower


def _strip_suffix(lower: str, lang: str) -> str | None:
    """ "Tools" -> "tool": strip a plural ending when the stem is the more common word."""
    full = zipf(lower, lang)
    for suffix in _STRIP_SUFFIXES.get(lang, ()):
        if lower.endswith(suffix) and len(lower) - len(suffix) >= _MIN_STEM:
            stem = lower[: -len(suffix)]
            stem_zipf = zipf(stem, lang)
            if stem_zipf >= _MIN_STEM_ZIPF and stem_zipf > full:
                return stem
    return None


def _compound_head_lemma(lower: str, table: dict[str, str], overrides: dict[str, str]) -> str:
    """German compound: lemmatise its longest known tail ("kundenrechnungen" -> "...rechnung")."""
    for i in range(3, len(lower) - 3):
        tail = lower[i:]
        if tail in overrides:
            return lower[:i] + overrides[tail]
        found = table.get(tail.capitalize())
        if found:
            return lower[:i] + found.lower()
    return lower


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
