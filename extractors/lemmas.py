"""Lemmas of single words: the spacy-lookups-data tables, case-insensitive, folded.

Lemmatisation is case-insensitive on purpose: a Search Console query is lower-case, a German
note is not, and both must give the same key. Words the lookup table does not know get a
frequency-guided suffix strip ("Tools" -> "tool", "Schnittstellen" -> "schnittstelle") and, in
German, the lemma of their longest known tail ("Datenpflegeprozessen" -> "datenpflegeprozess").

Below :mod:`extractors.compounds` and :mod:`extractors.normalize` (which build keys from
these lemmas); above :mod:`extractors.lexicon` (the word lists) and word frequencies.
"""

from __future__ import annotations

import functools
import gzip
import json
from pathlib import Path

import spacy_lookups_data

from kundensprache.extractors.frequency import zipf
from kundensprache.extractors.lexicon import CALENDAR, SMALL_TALK, WH_WORDS, fold

# Lookup-table lemmas that are wrong for business text ("Daten" is not the plural of "Datum").
LEMMA_OVERRIDES = {
    "de": {"daten": "daten", "kosten": "kosten", "medien": "medien"},
    "en": {"data": "data", "media": "media", "pending": "pending", "news": "news"},
}
# Suffixes tried, in order, for words the lookup table does not know.
_STRIP_SUFFIXES = {"de": ("en", "n", "s"), "en": ("es", "s")}
_MIN_STEM = 3
_MIN_STEM_ZIPF = 2.5


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


@functools.cache
def lemma_set(name: str, lang: str) -> frozenset[str]:
    """A word list of the lexicon plus the lemmas of its words, so lookups work on keys."""
    words = {"calendar": CALENDAR, "small_talk": SMALL_TALK}[name].get(lang, frozenset())
    return frozenset(words | {lemmatise(w, lang) for w in words})
