"""First names and surnames of many countries, from a maintained package: Faker's locale data.

Faker (MIT) ships the given names and family names of about 80 locales — de_DE, de_AT, de_CH,
en_GB, en_US, tr_TR, pl_PL, it_IT, es_ES, nl_NL, the Nordic and Balkan countries and more —
about 20,000 first names and 20,000 surnames in Latin script. Loading them costs ~0.1 s and a
few MB, once per process. ``names-dataset`` (730k first names, 980k surnames) was measured
and not taken: 10 s and 2 GB to load, and its surnames include most ordinary words ("Lager",
"Preis", "Termin"); ``gender-guesser`` is first names only and GPL (see benchmarks/README.md).

A list name is not a name in every sentence: "Rose", "Mark", "Winter", "Lang" are ordinary
words too. The callers decide: in free text a list name counts only next to another name-like
word; in a keyword, a surname alone counts only when it is rare as an ordinary word.
"""

from __future__ import annotations

import importlib
import pkgutil
import re
from functools import lru_cache

_LATIN_NAME = re.compile(r"[A-ZÀ-ÖØ-ÞĀ-ſ][a-zß-öø-ÿĀ-ſ'’]+(?:-[A-ZÀ-ÖØ-ÞĀ-ſ][a-zß-öø-ÿĀ-ſ'’]+)?")
_FIRST_ATTRS = ("first_names", "first_names_male", "first_names_female", "first_names_nonbinary")
_LAST_ATTRS = ("last_names", "last_names_male", "last_names_female")


@lru_cache(maxsize=1)
def maintained_names() -> tuple[frozenset[str], frozenset[str]]:
    """(first names, surnames) of every Faker locale, Latin script only, as spelt (capitalised)."""
    import faker.providers.person as person

    first: set[str] = set()
    last: set[str] = set()
    for module in pkgutil.iter_modules(person.__path__):
        provider = importlib.import_module(f"{person.__name__}.{module.name}").Provider
        first |= _names(provider, _FIRST_ATTRS)
        last |= _names(provider, _LAST_ATTRS)
    return frozenset(first), frozenset(last)


def _names(provider: type, attrs: tuple[str, ...]) -> set[str]:
    out: set[str] = set()
    for attr in attrs:
        value = provider.__dict__.get(attr) or getattr(provider, attr, None)
        if isinstance(value, dict):  # some locales weight their names: {name: weight}
            value = list(value)
        if isinstance(value, (list, tuple, set, frozenset)):
            out |= {v for v in value if isinstance(v, str) and _LATIN_NAME.fullmatch(v)}
    return out


@lru_cache(maxsize=1)
def folded_names() -> tuple[frozenset[str], frozenset[str]]:
    """The same lists casefolded, also with umlauts spelt out (Müller -> mueller)."""
    first, last = maintained_names()
    return _fold(first), _fold(last)


# German umlauts as spelt out in names, mail addresses and file names (Müller -> Mueller).
UMLAUTS = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss"})


def _fold(names: frozenset[str]) -> frozenset[str]:
    folded = {n.casefold() for n in names}
    return frozenset(folded | {n.translate(UMLAUTS) for n in folded})
