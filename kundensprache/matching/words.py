"""Relate phrases and queries by their content words, compound parts included.

A customer says "Zeiterfassung", the site is found for "arbeitszeiterfassung pflicht"; a
customer says "Software für Handwerker", the query is "handwerkersoftware". Whole-string
matching misses both. Here each side is a set of content lemmas (``extractors.content_lemmas``
already cuts rare closed compounds into their parts), and one lemma *covers* another when
they are equal or the other is a long enough front or back part of it ("arbeitszeit" covers
"zeit", "kundendaten" covers "kunde"): German compounds the splitter keeps whole still meet
their parts. Question words ("was", "wie") and the company's brand words are no content.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence

from kundensprache.core.models import Term

# A part must be this long to count inside a longer word, and what is left of the longer
# word this long too: "zeit" in "arbeitszeit", not "ung" in "planung" or "lager" in "lagerung".
MIN_PART = 4
MIN_REST = 4
# A lemma customers of at least this many accounts use is customer vocabulary.
CUSTOMER_MIN_ACCOUNTS = 2


def covers(longer: str, part: str) -> bool:
    """``longer`` is ``part`` or has it as a front or back part of a compound."""
    if longer == part:
        return True
    if len(part) < MIN_PART or len(longer) - len(part) < MIN_REST:
        return False
    return longer.endswith(part) or longer.startswith(part)


def contains_all(whole: Iterable[str], parts: Iterable[str]) -> bool:
    """Every lemma of ``parts`` is covered by some lemma of ``whole`` (``parts`` not empty)."""
    whole = tuple(whole)
    parts = tuple(parts)
    return bool(parts) and all(any(covers(w, p) for w in whole) for p in parts)


class WordSets:
    """Content lemma sets of texts, question words and brand words removed, cached."""

    def __init__(
        self,
        lemmas_fn: Callable[[str, str], Sequence[str]],
        ignore: Mapping[str, frozenset[str]] | None = None,
        brand: Iterable[str] = (),
    ):
        self._lemmas = lemmas_fn
        self._ignore = dict(ignore or {})
        self._brand_terms = [b for b in brand if b.strip()]
        self._brand: dict[str, frozenset[str]] = {}
        self._cache: dict[tuple[str, str], frozenset[str]] = {}

    def brand(self, lang: str) -> frozenset[str]:
        if lang not in self._brand:
            self._brand[lang] = frozenset(
                lemma for b in self._brand_terms for lemma in self._lemmas(b, lang)
            )
        return self._brand[lang]

    def has_brand(self, text: str, lang: str) -> bool:
        """The text names the company's brand ("nordwerk suite login"): navigation."""
        brand = self.brand(lang)
        return bool(brand) and not brand.isdisjoint(self._lemmas(text, lang))

    def of(self, text: str, lang: str) -> frozenset[str]:
        found = self._cache.get((text, lang))
        if found is None:
            drop = self._ignore.get(lang, frozenset()) | self.brand(lang)
            found = frozenset(self._lemmas(text, lang)) - drop
            self._cache[(text, lang)] = found
        return found


def customer_lemmas(terms: Sequence[Term], doc_accounts: Mapping[str, str]) -> dict[str, set[str]]:
    """(language, lemma) -> accounts whose customer vocabulary holds it, keyed ``lang:lemma``.

    A term without document ids (built by hand) counts as many accounts as it says it has.
    """
    accounts: dict[str, set[str]] = defaultdict(set)
    for term in terms:
        owners = {doc_accounts.get(d, d) for d in term.doc_ids}
        if not owners:
            owners = {f"{term.key}#{i}" for i in range(term.accounts)}
        for lemma in term.key.split():
            accounts[f"{term.language}:{lemma}"] |= owners
    return accounts


def customer_vocabulary(
    terms: Sequence[Term],
    doc_accounts: Mapping[str, str],
    min_accounts: int = CUSTOMER_MIN_ACCOUNTS,
) -> dict[str, frozenset[str]]:
    """language -> the lemmas at least ``min_accounts`` customer accounts use."""
    out: dict[str, set[str]] = defaultdict(set)
    for tagged, owners in customer_lemmas(terms, doc_accounts).items():
        if len(owners) >= min_accounts:
            lang, lemma = tagged.split(":", 1)
            out[lang].add(lemma)
    return {lang: frozenset(lemmas) for lang, lemmas in out.items()}
