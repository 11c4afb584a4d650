"""Match customer phrases to Search Console queries.

Both sides go through the same normalisation as the extractor, so the customer's
"CRM-Tools" meets the query "crm tool". Match types, strongest first:

- ``exact``: the same words after folding case, umlauts (``ä``/``ae``), ``ß``/``ss`` and
  hyphens ("CRM-Tool" / "crm tool", "Zeiterfassung App" / "zeiterfassung app");
- ``variant``: the same content lemmas (``extractors.phrase_key``) in another order or
  inflection, stop words aside ("Angebote als PDF verschicken" / "angebot pdf verschicken",
  "Schnittstelle zu DATEV" / "datev schnittstelle");
- ``contains``: the query holds all the phrase's content words, compound parts included, or
  the phrase all the query's ("Zeiterfassung" / "arbeitszeiterfassung pflicht",
  "Software für Handwerker" / "handwerkersoftware", "Schnittstelle zu DATEV" / "datev");
  the closest such query (fewest words not on both sides, then most impressions) stands for
  the phrase, alone (:mod:`matching.words`);
- ``semantic``: embedding cosine similarity at or above a threshold; the query is shown in
  the output so a human can judge it.

A phrase that matches several queries aggregates them (clicks and impressions summed, position
weighted by impressions); the best query and the page with most impressions are reported.
"""

from __future__ import annotations

import functools
from collections import defaultdict
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np

from kundensprache.core.models import QueryRow, Term
from kundensprache.matching.words import WordSets, contains_all, covers

MATCH_RANK = {"exact": 0, "variant": 1, "contains": 2, "semantic": 3, "none": 4}


def exact_form(text: str, lang: str) -> str:
    """The words of ``text`` with case, umlauts, ``ß`` and hyphens folded, order kept."""
    from kundensprache.extractors.normalize import canonical_lang, fold, word_parts

    return " ".join(fold(w) for w in word_parts(text, canonical_lang(lang)))


MAX_SEMANTIC_MATCHES = 3


@dataclass
class QueryStats:
    """One Search Console query over all its pages for the month."""

    query: str
    clicks: int
    impressions: int
    position: float  # impression-weighted average
    top_page: str
    pages: dict[str, int] = field(default_factory=dict)  # page -> impressions

    @property
    def ctr(self) -> float:
        return self.clicks / self.impressions if self.impressions else 0.0


@dataclass
class Match:
    """What one candidate matched; ``queries`` empty means no match."""

    match_type: str
    queries: list[QueryStats]
    similarity: float = 1.0

    @property
    def best(self) -> QueryStats | None:
        return self.queries[0] if self.queries else None

    @property
    def impressions(self) -> int:
        return sum(q.impressions for q in self.queries)

    @property
    def clicks(self) -> int:
        return sum(q.clicks for q in self.queries)

    @property
    def ctr(self) -> float:
        return self.clicks / self.impressions if self.impressions else 0.0

    @property
    def position(self) -> float | None:
        if not self.queries:
            return None
        if self.impressions == 0:
            return min(q.position for q in self.queries)
        return sum(q.position * q.impressions for q in self.queries) / self.impressions

    @property
    def top_page(self) -> str:
        pages: dict[str, int] = defaultdict(int)
        for q in self.queries:
            for page, imp in q.pages.items():
                pages[page] += imp
        if not pages:
            return ""
        return min(pages, key=lambda p: (-pages[p], p))


NO_MATCH = Match("none", [], 0.0)


def aggregate_queries(rows: Sequence[QueryRow]) -> list[QueryStats]:
    """Query + page rows -> one entry per query (case-insensitive), sorted by query."""
    groups: dict[str, list[QueryRow]] = defaultdict(list)
    for row in rows:
        q = " ".join(row.query.split()).casefold()
        if q:
            groups[q].append(row)
    out = []
    for q, items in sorted(groups.items()):
        impressions = sum(r.impressions for r in items)
        clicks = sum(r.clicks for r in items)
        if impressions:
            position = sum(r.position * r.impressions for r in items) / impressions
        else:
            position = min(r.position for r in items)
        pages: dict[str, int] = defaultdict(int)
        for r in items:
            if r.page:
                pages[r.page] += r.impressions
        top_page = min(pages, key=lambda p: (-pages[p], p)) if pages else ""
        out.append(QueryStats(q, clicks, impressions, position, top_page, dict(pages)))
    return out


def default_words(brand: Sequence[str] = ()) -> WordSets:
    """Content lemmas as the extractor makes them, question words and ``brand`` words aside."""
    from kundensprache.extractors.lexicon import WH_WORDS
    from kundensprache.extractors.normalize import content_lemmas

    return WordSets(content_lemmas, WH_WORDS, brand)


def match_terms(
    terms: Sequence[Term],
    queries: Sequence[QueryStats],
    *,
    exact_fn: Callable[[str, str], str],
    key_fn: Callable[[str, str], str],
    term_vectors: np.ndarray | None = None,
    query_vectors: np.ndarray | None = None,
    semantic_threshold: float = 0.82,
    words: WordSets | None = None,
) -> list[Match]:
    """One Match per term (same order). Vectors: L2-normalised rows, or None to skip semantic."""
    languages = sorted({t.language for t in terms} | {"de", "en"})
    by_exact: dict[tuple[str, str], list[int]] = defaultdict(list)
    by_key: dict[tuple[str, str], list[int]] = defaultdict(list)
    for qi, q in enumerate(queries):
        for lang in languages:
            by_exact[(lang, exact_fn(q.query, lang))].append(qi)
            key = key_fn(q.query, lang)
            if key:
                by_key[(lang, key)].append(qi)
    related = _ContainsIndex(queries, words or default_words())

    sims = None
    if term_vectors is not None and query_vectors is not None and len(queries) and len(terms):
        sims = term_vectors @ query_vectors.T  # terms x queries: both sides are small per month

    matches: list[Match] = []
    for ti, term in enumerate(terms):
        exact = set(by_exact.get((term.language, exact_fn(term.keyword, term.language)), []))
        variant = set(by_key.get((term.language, term.key), [])) - exact if term.key else set()
        if exact or variant:
            ordered = sorted(exact, key=lambda i: _order(queries[i])) + sorted(
                variant, key=lambda i: _order(queries[i])
            )
            kind = "exact" if exact else "variant"
            matches.append(Match(kind, [queries[i] for i in ordered], 1.0))
            continue
        best = related.best(term.keyword, term.language)
        if best is not None:
            matches.append(Match("contains", [queries[best]], 1.0))
            continue
        if sims is not None:
            row = sims[ti]
            hits = [int(i) for i in np.flatnonzero(row >= semantic_threshold)]
            hits.sort(key=lambda i: (-float(row[i]), queries[i].query))
            hits = hits[:MAX_SEMANTIC_MATCHES]
            if hits:
                matches.append(
                    Match("semantic", [queries[i] for i in hits], round(float(row[hits[0]]), 4))
                )
                continue
        matches.append(NO_MATCH)
    return matches


class _ContainsIndex:
    """Queries by the word parts their lemmas cover, per language, for the ``contains`` test.

    Each query lemma is indexed under itself and every front and back part it covers, so the
    queries holding a phrase's word are one look-up, not a scan of all queries.
    """

    def __init__(self, queries: Sequence[QueryStats], words: WordSets):
        self.queries = queries
        self.words = words
        self._index: dict[str, dict[str, set[int]]] = {}

    def _for(self, lang: str) -> dict[str, set[int]]:
        if lang not in self._index:
            index: dict[str, set[int]] = defaultdict(set)
            for qi, q in enumerate(self.queries):
                for lemma in self.words.of(q.query, lang):
                    for part in parts_covered(lemma):
                        index[part].add(qi)
            self._index[lang] = index
        return self._index[lang]

    def best(self, text: str, lang: str) -> int | None:
        """The closest query that holds all of ``text``'s words or whose words ``text`` holds."""
        mine = self.words.of(text, lang)
        if not mine:
            return None
        index = self._for(lang)
        found: set[int] = set()
        for part in {p for lemma in mine for p in parts_covered(lemma)}:
            found |= index.get(part, set())
        hits = []
        for qi in found:
            theirs = self.words.of(self.queries[qi].query, lang)
            if contains_all(theirs, mine) or contains_all(mine, theirs):
                hits.append((len(theirs ^ mine), *_order(self.queries[qi]), qi))
        return min(hits)[-1] if hits else None


def parts_covered(lemma: str) -> set[str]:
    """``lemma`` and every front or back part of it that :func:`words.covers` accepts."""
    out = {lemma}
    for cut in range(len(lemma)):
        for part in (lemma[:cut], lemma[cut:]):
            if part and covers(lemma, part):
                out.add(part)
    return out


def _order(q: QueryStats) -> tuple:
    return (-q.impressions, q.position, q.query)


def unmatched_queries(
    queries: Sequence[QueryStats],
    matches: Sequence[Match],
    *,
    customer_words: Mapping[str, frozenset[str]] | None = None,
    words: WordSets | None = None,
) -> list[QueryStats]:
    """Queries with impressions that are marketing's language, not the customer's.

    A query no phrase matched, and (with ``customer_words``: language -> lemmas enough
    customer accounts use) none of whose content words, compound parts included, customers
    use. A query holding a brand word ("nordwerk suite login") is navigation, not language:
    it is left out too.
    """
    used = {q.query for m in matches for q in m.queries}
    rest = [q for q in queries if q.query not in used and q.impressions > 0]
    if customer_words is not None:
        words = words or default_words()
        rest = [q for q in rest if _marketing_only(q.query, customer_words, words)]
    return sorted(rest, key=lambda q: (-q.impressions, q.query))


def _marketing_only(query: str, customer_words: Mapping[str, frozenset[str]], words: WordSets):
    languages = sorted(set(customer_words) | {"de", "en"})
    if any(words.has_brand(query, lang) for lang in languages):
        return False  # navigation to the brand
    if not any(words.of(query, lang) for lang in languages):
        return False  # nothing but question words
    for lang in languages:
        theirs = customer_words.get(lang, frozenset())
        inside = _parts_of_all(theirs)
        for lemma in words.of(query, lang):
            if lemma in inside or parts_covered(lemma) & theirs:
                return False
    return True


@functools.lru_cache(maxsize=8)
def _parts_of_all(lemmas: frozenset[str]) -> frozenset[str]:
    """Every lemma and word part the given lemmas cover."""
    return frozenset(p for lemma in lemmas for p in parts_covered(lemma))
