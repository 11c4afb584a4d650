"""Phrase rules over a tag string, as whole-array operations.

The shapes searchers type (see :mod:`extractors.phrases` for the list) are found on the tag
letters of :mod:`extractors.tagging`. The common shapes (noun phrases, noun + preposition +
noun) are computed with numpy from the runs of tags; rarer ones (verb phrases, problem
statements) with regular expressions; questions and configured terms only where a word can
start one. Every candidate span then gets its facts (key, number of content lemmas, small
talk or not) from a cache keyed by a 128-bit hash of its word rows, computed for all spans at
once from prefix sums, so a repeated phrase costs no Python work.
"""

from __future__ import annotations

import itertools
import re
from collections import defaultdict
from dataclasses import dataclass, field

import numpy as np

from kundensprache.extractors.lemmas import lemma_set
from kundensprache.extractors.lexicon import SALUTATIONS, WH_WORDS
from kundensprache.extractors.normalize import key_from_lemmas
from kundensprache.extractors.tagging import (
    F_COMPOUND,
    F_CONFIGURED,
    F_OPENER,
    MAX_OPENER_WORDS,
    OPENER_BITS,
    OPENER_PAD,
    PARTICIPLE,
    T,
    Units,
    Word,
    WordInfo,
)

KINDS = ("question", "configured", "name", "compound", "noun_phrase", "verb_phrase", "problem")
QUESTION, CONFIGURED, NAME, COMPOUND, NOUN_PHRASE, VERB_PHRASE, PROBLEM = range(len(KINDS))
# When two rules find the same span, the more specific kind wins (lower rank).
_RANK = np.array([0, 1, 2, 3, 9, 9, 9], dtype=np.int64)

MAX_NP_UNITS = 4
MAX_PHRASE_UNITS = 7
MAX_LEMMAS = 5
MAX_QUESTION_UNITS = 14
MAX_QUESTION_LEMMAS = 6

_VP = {
    "en": re.compile(r"VR?D?A*[NM]+(?:PD?A*[NM]+)?|VR"),
    "de": re.compile(r"A*[NM]+(?:(?:P[DG]?|G)A*[NM]+)?V|I[DG]A*[NM]+"),
}
# A noun phrase and its state: "card is not working", "payment was declined",
# "Synchronisation funktioniert nicht", "funktioniert der Export nicht".
_STATE = {
    "en": re.compile(r"A*[NM]+X{0,3}[VA]"),
    "de": re.compile(r"A*[NM]+(?:(?:P[DG]?|G)A*[NM]+)?ZX{1,2}|Z[DG]?A*[NM]+X{1,2}"),
}
_CAN_END_QUESTION = np.zeros(256, dtype=bool)  # tag -> may end a question
_CAN_END_QUESTION[np.frombuffer(b"NMAVR", dtype=np.uint8)] = True
_B, _N, _M, _A, _P, _D, _G, _X = (T[c] for c in "BNMAPDGX")
_HASH_MUL = (0x9E3779B97F4A7C15, 0xC2B2AE3D27D4EB4F)  # odd: invertible modulo 2**64


class SpanFacts:
    """Per-language cache of span facts: a span's first hash -> a row of numpy columns
    ``key_id``, ``n_content`` (content lemmas), ``chatter`` (small talk?) and ``check`` (the
    second hash, to rule out collisions). ``keys[key_id]`` is the key text."""

    LIMIT = 500_000  # rows; a long-running process must not grow without bound

    def __init__(self, lang: str):
        self.lang = lang
        self._reset()

    def clear_if_large(self) -> None:
        if self.size > self.LIMIT:
            self._reset()

    def _reset(self) -> None:
        self.keys: list[str] = []
        self.key_ids: dict[str, int] = {}
        self.by_hash: dict[int, int] = {}
        self.size = 0
        self.key_id = np.zeros(1024, dtype=np.int64)
        self.n_content = np.zeros(1024, dtype=np.int64)
        self.chatter = np.zeros(1024, dtype=bool)
        self.check = np.zeros(1024, dtype=np.uint64)

    def add(self, words: list[Word], check: int) -> int:
        """A new row for the span made of ``words``; its row number."""
        key, n_content, chatter = span_facts(words, self.lang)
        key_id = self.key_ids.get(key)
        if key_id is None:
            key_id = self.key_ids[key] = len(self.keys)
            self.keys.append(key)
        row = self.size
        if row == len(self.key_id):
            for name in ("key_id", "n_content", "chatter", "check"):
                column = getattr(self, name)
                setattr(self, name, np.concatenate([column, np.zeros_like(column)]))
        self.key_id[row] = key_id
        self.n_content[row] = n_content
        self.chatter[row] = chatter
        self.check[row] = check
        self.size += 1
        return row


def span_facts(words: list[Word], lang: str) -> tuple[str, int, bool]:
    """(key, number of content lemmas, small talk?) of a word sequence."""
    lemmas = {lem for w in words for lem in w.lemmas}
    content = lemmas - WH_WORDS.get(lang, frozenset())
    calendar = lemma_set("calendar", lang)
    chatter = (
        not content
        or content <= lemma_set("small_talk", lang)
        or not SALUTATIONS.isdisjoint(lemmas)
        # "nächste Woche", "Termin am Montag", "next week works"; of a compound its head
        # counts: "Stundenzettel" is no time word
        or _head(words[0]) in calendar
        or _head(words[-1]) in calendar
        or (len(content) == 1 and (len(min(content)) < 2 or min(content).isdigit()))
    )
    return key_from_lemmas(lemmas), len(content), chatter


def _head(word: Word) -> str | None:
    """The last lemma of a word: the head of a compound ("Stundenzettel" -> "zettel")."""
    return word.lemmas[-1] if word.lemmas else None


class _Powers:
    """Powers of the hash multipliers and their inverses modulo 2**64, grown on demand."""

    def __init__(self) -> None:
        self.size = 0
        self.pow: list[np.ndarray] = []
        self.inv: list[np.ndarray] = []

    def ensure(self, n: int) -> None:
        if n <= self.size:
            return
        size = max(n, 2 * self.size, 1024)
        self.pow, self.inv = [], []
        for mul in _HASH_MUL:
            inverse = pow(mul, -1, 1 << 64)
            for out, base in ((self.pow, mul), (self.inv, inverse)):
                steps = np.full(size, base, dtype=np.uint64)
                steps[0] = 1
                out.append(np.cumprod(steps, dtype=np.uint64))
        self.size = size


_POWERS = _Powers()


def _span_hashes(rows: np.ndarray, a: np.ndarray, b: np.ndarray, info: WordInfo):
    """Two 64-bit polynomial hashes of each span's word rows (independent of its position)."""
    n = len(rows)
    _POWERS.ensure(n + 1)
    out = []
    with np.errstate(over="ignore"):
        for k, values in enumerate((info.hash1, info.hash2)):
            prefix = np.zeros(n + 1, dtype=np.uint64)
            np.cumsum(values[rows] * _POWERS.pow[k][:n], dtype=np.uint64, out=prefix[1:])
            out.append((prefix[b] - prefix[a]) * _POWERS.inv[k][a])
    return out


# --- the rules ----------------------------------------------------------------------------


@dataclass
class Found:
    """Candidate spans (unit index ranges) and their kinds, in the order the rules found them."""

    a: list[np.ndarray] = field(default_factory=list)
    b: list[np.ndarray] = field(default_factory=list)
    kind: list[np.ndarray] = field(default_factory=list)

    def add(self, a, b, kind) -> None:
        a = np.asarray(a, dtype=np.int64)
        b = np.asarray(b, dtype=np.int64)
        if len(a):
            self.a.append(a)
            self.b.append(b)
            self.kind.append(np.broadcast_to(np.asarray(kind, dtype=np.int64), a.shape))

    def arrays(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        if not self.a:
            empty = np.zeros(0, dtype=np.int64)
            return empty, empty, empty
        return np.concatenate(self.a), np.concatenate(self.b), np.concatenate(self.kind)


def _runs(mask: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Starts and (exclusive) ends of the runs of True in a boolean array."""
    edges = np.diff(mask.astype(np.int8), prepend=0, append=0)
    return np.flatnonzero(edges == 1), np.flatnonzero(edges == -1)


def noun_phrases(tags: np.ndarray, flags: np.ndarray, lang: str, found: Found):
    """``A*[NM]+`` (what the regular expression would match, left to right), its core
    without adjectives, its single German nouns or other languages' names inside, and two
    noun phrases joined by a preposition or genitive ("Software für Handwerker")."""
    n = len(tags)
    is_m = tags == _M
    core, end = _runs((tags == _N) | is_m)
    if not len(core):
        return
    # The adjectives right before each run of nouns belong to it.
    not_a = np.where(tags == _A, -1, np.arange(n))
    last_not_a = np.maximum.accumulate(not_a)
    start = np.where(core > 0, last_not_a[np.maximum(core - 1, 0)] + 1, core)
    count_m = np.concatenate(([0], np.cumsum(is_m)))

    def kinds(a: np.ndarray, b: np.ndarray) -> np.ndarray:
        kind = np.full(len(a), NOUN_PHRASE, dtype=np.int64)
        kind[(b - a == 1) & (flags[a] & F_COMPOUND != 0)] = COMPOUND
        kind[count_m[b] - count_m[a] == b - a] = NAME
        return kind

    whole = end - start <= MAX_NP_UNITS
    found.add(start[whole], end[whole], kinds(start[whole], end[whole]))
    bare = (core > start) & (end - core <= MAX_NP_UNITS)
    found.add(core[bare], end[bare], kinds(core[bare], end[bare]))
    long_run = end - core > 1
    if lang == "de":  # "Kunden Wartungsberichte": two nouns, rarely one phrase
        singles = np.flatnonzero((tags == _N) | is_m)[np.repeat(long_run, end - core)]
        found.add(singles, singles + 1, kinds(singles, singles + 1))
    else:  # names inside a longer phrase: "Salesforce" in "Salesforce sync"
        m_start, m_end = _runs(is_m)
        if len(m_start):
            run_of = np.searchsorted(core, m_start, side="right") - 1
            inside = long_run[run_of]
            found.add(m_start[inside], m_end[inside], NAME)
    # Noun phrase + preposition (+ article) + noun phrase.
    if len(core) > 1:
        a, b, c, d = start[:-1], end[:-1], start[1:], end[1:]
        gap = c - b
        first = tags[np.minimum(b, n - 1)]
        second = tags[np.minimum(b + 1, n - 1)]
        if lang == "de":
            ok = ((gap == 1) & ((first == _P) | (first == _G))) | (
                (gap == 2) & (first == _P) & ((second == _D) | (second == _G))
            )
        else:
            ok = ((gap == 1) & (first == _P)) | ((gap == 2) & (first == _P) & (second == _D))
        ok &= d - a <= MAX_PHRASE_UNITS
        found.add(a[ok], d[ok], NOUN_PHRASE)


def pattern_spans(tagstr: str, lang: str, rows: np.ndarray, info: WordInfo, found: Found):
    """Verb phrases ("top up my card", "Angebote als PDF verschicken") and problem
    statements ("card is not working", "Export klappt nicht")."""
    vp = _VP.get(lang)
    if vp is not None:
        spans = _match_spans(vp, tagstr)
        ok = spans[:, 1] - spans[:, 0] <= MAX_PHRASE_UNITS
        found.add(spans[ok, 0], spans[ok, 1], VERB_PHRASE)
    state = _STATE.get(lang)
    if state is not None:
        spans = _match_spans(state, tagstr)
        if len(spans):
            a, b = spans[:, 0], spans[:, 1]
            count_x = np.concatenate(
                ([0], np.cumsum(np.frombuffer(tagstr.encode(), np.uint8) == _X))
            )
            # "card is not working", "transfer failed"; not "card work", "funds come"
            participle = info.bits[rows[b - 1]] & PARTICIPLE != 0
            ok = (b - a <= MAX_PHRASE_UNITS) & ((count_x[b] > count_x[a]) | participle)
            found.add(a[ok], b[ok], PROBLEM)


def _match_spans(pattern: re.Pattern, tagstr: str) -> np.ndarray:
    """(start, end) of each match as an (n, 2) array, without Python work per match."""
    found = np.fromiter(
        itertools.chain.from_iterable(map(re.Match.span, pattern.finditer(tagstr))),
        dtype=np.int64,
    )
    return found.reshape(-1, 2)


def question_spans(tags: np.ndarray, flags: np.ndarray, rows, info: WordInfo, found: Found):
    """From a question opener at a clause start to the clause's end ("wie kann ich ...")."""
    n = len(tags)
    is_b = tags == _B
    clause_start = np.empty(n, dtype=bool)
    clause_start[0] = True
    clause_start[1:] = is_b[:-1] & ~is_b[1:]
    k = np.flatnonzero(clause_start & (flags & F_OPENER != 0))
    if not len(k):
        return
    # The lower-case forms of the (up to three) words from each candidate, packed into one
    # number per length, matched against the openers packed the same way; longest first.
    lower = np.append(info.lower[rows], OPENER_PAD)
    size = np.zeros(len(k), dtype=np.int64)
    packed = np.zeros(len(k), dtype=np.int64)
    codes = []
    for j in range(MAX_OPENER_WORDS):
        packed = packed | (lower[np.minimum(k + j, n)] << (OPENER_BITS * j))
        codes.append(packed)
    for length in range(MAX_OPENER_WORDS, 0, -1):
        openers = info.opener_codes.get(length)
        if openers is not None:
            size[(size == 0) & np.isin(codes[length - 1], openers)] = length
    k, size = k[size > 0], size[size > 0]
    if not len(k):
        return
    # The question runs to the clause's end, less what cannot end a search (stop words).
    b_at = np.flatnonzero(is_b)
    nxt = np.searchsorted(b_at, k)
    end = np.where(nxt < len(b_at), b_at[np.minimum(nxt, len(b_at) - 1)], n) if len(b_at) else n
    end = np.broadcast_to(end, k.shape)
    can_end = _CAN_END_QUESTION[tags]
    last_end = np.maximum.accumulate(np.where(can_end, np.arange(n), -1))
    end = np.maximum(k + size, last_end[end - 1] + 1)
    ok = end - k <= MAX_QUESTION_UNITS
    found.add(k[ok], end[ok], QUESTION)


def configured_spans(
    tags: np.ndarray, flags: np.ndarray, rows, info: WordInfo, index: dict, found: Found
):
    """Occurrences of always_keep, jargon and brand terms, even where no rule fits."""
    candidates = np.flatnonzero(flags & F_CONFIGURED != 0)
    if not len(candidates):
        return
    words = info.words
    row_list = rows.tolist()
    n = len(row_list)
    by_kind: dict[int, tuple[list, list]] = defaultdict(lambda: ([], []))
    for k in candidates.tolist():
        lemmas = words[row_list[k]].lemmas
        for i, lem in enumerate(lemmas):
            for seq, kind in index.get(lem, ()):
                end = _match_lemmas(seq, lemmas[i:], k, row_list, words, n)
                if end is not None and not (tags[k:end] == _B).any():
                    by_kind[kind][0].append(k)
                    by_kind[kind][1].append(end)
    for kind, (a, b) in by_kind.items():
        found.add(a, b, kind)


def _match_lemmas(seq, first: tuple, k: int, row_list, words, n: int) -> int | None:
    """End unit (exclusive) if the lemma stream from unit ``k`` starts with ``seq``."""
    got = 0
    unit_lemmas = first
    unit = k
    while True:
        for lem in unit_lemmas:
            if lem != seq[got]:
                return None
            got += 1
            if got == len(seq):
                return unit + 1
        unit += 1
        if unit >= n:
            return None
        unit_lemmas = words[row_list[unit]].lemmas


# --- from spans to phrases ----------------------------------------------------------------


@dataclass
class Result:
    """Phrases of one text as arrays, sorted by position: character offsets, key id, kind."""

    start: np.ndarray
    end: np.ndarray
    key_id: np.ndarray
    kind: np.ndarray


def select(
    a: np.ndarray, b: np.ndarray, kind: np.ndarray, unit: Units, info: WordInfo, facts: SpanFacts
) -> Result:
    """Keep the spans that are phrases: facts from the cache, small talk and overlong spans
    out, one kind per span, one mention per place and key; sorted by position."""
    empty = np.zeros(0, dtype=np.int64)
    if not len(a):
        return Result(empty, empty, empty, empty)
    rows = unit.rows
    h1, h2 = _span_hashes(rows, a, b, info)
    fact_rows = np.fromiter(
        map(facts.by_hash.get, h1.tolist(), itertools.repeat(-1)), dtype=np.int64, count=len(a)
    )
    missing = fact_rows < 0
    if not missing.all():
        known = ~missing
        # Two word sequences with one 64-bit hash (the second hash differs): recomputed.
        missing[np.flatnonzero(known)[facts.check[fact_rows[known]] != h2[known]]] = True
    if missing.any():
        words = info.words
        row_list = rows.tolist()
        by_hash = facts.by_hash
        for i, h, c in zip(
            *(x.tolist() for x in (np.flatnonzero(missing), h1[missing], h2[missing])),
            strict=True,
        ):
            r = by_hash.get(h)
            if r is None or int(facts.check[r]) != c:
                r = facts.add([words[x] for x in row_list[a[i] : b[i]]], c)
                by_hash.setdefault(h, r)
            fact_rows[i] = r
    keys = facts.key_id[fact_rows]
    content = facts.n_content[fact_rows]
    limit = np.where(kind == QUESTION, MAX_QUESTION_LEMMAS, MAX_LEMMAS)
    ok = (content > 0) & (~facts.chatter[fact_rows] | (kind == CONFIGURED)) & (content <= limit)
    order = np.flatnonzero(ok)
    a, b, kind, keys = a[order], b[order], kind[order], keys[order]
    if not len(a):
        return Result(empty, empty, empty, empty)
    # One kind per span: the lowest rank, then the rule that found it first. Sorting one
    # combined number is much faster than a sort on several keys.
    width = len(rows) + 1
    place = a * width + b
    sort = np.argsort((place * len(_RANK) + _RANK[kind]) * len(ok) + order)
    place, a, b, kind, keys = place[sort], a[sort], b[sort], kind[sort], keys[sort]
    first = np.ones(len(a), dtype=bool)
    first[1:] = place[1:] != place[:-1]
    a, b, kind, keys = a[first], b[first], kind[first], keys[first]
    a, b, kind, keys = _one_per_place(a, b, kind, keys, width)
    sort = np.argsort(a * width + b)
    a, b, kind, keys = a[sort], b[sort], kind[sort], keys[sort]
    return Result(unit.starts[a], unit.ends[b - 1], keys, kind)


def _one_per_place(a, b, kind, keys, width: int):
    """Of overlapping spans with one key keep the shortest: "gibt es eine Schnittstelle zu
    DATEV" and "Schnittstelle zu DATEV" are one mention, the phrase is the short form."""
    if len(a) < 2:
        return a, b, kind, keys
    sort = np.argsort((keys * width + a) * width + b)
    a, b, kind, keys = a[sort], b[sort], kind[sort], keys[sort]
    # Within one key (sorted by start), a span starts a new group unless it begins before the
    # furthest end so far: offsetting by key makes one running maximum serve all keys.
    shift = int(b.max()) + 1
    reach = np.maximum.accumulate(keys * shift + b)
    overlaps = np.zeros(len(a), dtype=bool)
    overlaps[1:] = (keys[1:] == keys[:-1]) & (keys[1:] * shift + a[1:] < reach[:-1])
    if not overlaps.any():
        return a, b, kind, keys
    group = np.cumsum(~overlaps) - 1
    sizes = np.bincount(group)
    keep = np.ones(len(a), dtype=bool)
    firsts = np.searchsorted(group, np.arange(len(sizes)))
    # Two overlapping spans (the usual case): the shorter stays, on a tie the earlier.
    pair = firsts[sizes == 2]
    second_wins = (b[pair + 1] - a[pair + 1]) < (b[pair] - a[pair])
    keep[np.where(second_wins, pair, pair + 1)] = False
    for g in np.flatnonzero(sizes > 2).tolist():
        lo = int(firsts[g])
        kept: list[tuple[int, int]] = []
        for m in sorted(range(lo, lo + int(sizes[g])), key=lambda i: (b[i] - a[i], a[i], b[i])):
            if any(a[m] < tb and ta < b[m] for ta, tb in kept):
                keep[m] = False
            else:
                kept.append((a[m], b[m]))
    return a[keep], b[keep], kind[keep], keys[keep]
