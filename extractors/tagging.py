"""Word facts and one coarse tag letter per unit, computed over whole token arrays.

Both spaCy paths end in the same tag string, so the phrase rules (:mod:`extractors.spans`)
are written once:

====  ==============================================================
B     clause boundary (punctuation, line break)
S     stop word, number, anything that breaks a phrase
P     preposition searchers keep ("für", "zu", "with")
D     article or possessive ("die", "my")
G     German "der"/"des" (may open a genitive: "Terminplanung der Monteure")
X     auxiliary or negation ("is", "not", "has", "n't"; German "nicht")
Z     German verb of state ("funktioniert", "klappt": "Export klappt nicht")
I     German clause-initial verb before an article ("*Lösche* den Wecker")
Q     question word
N     noun
M     name (brand, product, acronym: "DATEV", "HubSpot", "Office365")
A     adjective (or participle) in front of a noun
V     verb (German: clause-final infinitive only)
R     English verb particle ("top *up*")
O     other content word (adverb, finite verb, ...): breaks a phrase
====  ==============================================================

Speed is the point of this module's shape: context-free facts about a word (class, lemmas,
capitalisation, shape bits, list memberships) are computed once per word and kept in numpy
columns of a :class:`WordInfo` table; on the blank path the row number lives in the spaCy
lexeme itself (``Lexeme.rank``), so ``Doc.to_array`` hands back row numbers at C speed and a
text costs no Python work per token. The context rules (German capitalisation, "adjective
before a noun", English verb cues) are then whole-array numpy operations
(:mod:`extractors.tag_rules`).
"""

from __future__ import annotations

import functools
import gzip
import json
import re
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import spacy_lookups_data
from spacy.attrs import ID, IDX, ORTH
from spacy.tokens import Doc

from kundensprache.extractors.lexicon import (
    AUXILIARIES,
    DE_AFTER_INFINITIVE,
    DE_NOUN_STOP_WORDS,
    DE_STATE_VERBS,
    DETERMINERS,
    EN_PARTICLES,
    EN_VERB_CUES,
    LIGHT_VERBS,
    PREPOSITIONS,
    QUESTION_OPENERS,
    SALUTATIONS,
    WH_WORDS,
    stop_words,
)
from kundensprache.extractors.normalize import lemma_table, lemmatise, unit_lemmas

_HYPHEN_TOKENS = frozenset({"-", "‐", "‑"})
_HYPHEN_SPLIT = re.compile(r"[-‐‑]")
_PRONOUNS_AFTER_V1 = frozenset("ich wir sie es man du ihr er".split())
_EN_NOUN, _EN_VERB, _EN_ADJ, _EN_ADV, PARTICIPLE, GERUND = 1, 2, 4, 8, 16, 32
_DE_ADJ_END, _DE_INF_END, _DE_VERB_FORM = 1, 2, 4
# English function words in German text (song and film titles, quotes): not German nouns.
_DE_FOREIGN_STOPS = frozenset(
    "the a an of to in on for from with you your my me i we it is are and or at by this that "
    "be".split()
)
# spaCy's rank of a lexeme nobody has numbered yet (the blank pipeline has no vectors).
_OOV_RANK = np.iinfo(np.uint64).max
_ID_IDX = [ID, IDX]
# A table this large is dropped and rebuilt: a long-running process must not grow forever.
MAX_WORDS = 1_000_000

# Question openers are matched as up to three lower-case form numbers packed into one int64.
MAX_OPENER_WORDS = 3
OPENER_BITS = 21
OPENER_PAD = (1 << OPENER_BITS) - 1  # stands for "no word" past the end of a text
assert MAX_WORDS < OPENER_PAD and all(
    len(o.split()) <= MAX_OPENER_WORDS for os in QUESTION_OPENERS.values() for o in os
)

# Tag letters as bytes: the tag string is ``tags.tobytes().decode("ascii")``.
T = {c: ord(c) for c in "BSPDGXZIQNMAVRO"}
_W = ord("W")  # class of a content word, before the context rules give it a tag

# Per-word flag bits (the ``flags`` column).
F_CAP = 1  # first letter upper-case
F_NAMEY = 2  # acronym, inner capital, digits, or a configured brand word
F_COMPOUND = 4  # hyphenated, or a long German word
F_SALUTATION = 8  # "Herr", "Mrs": the name after it is a person
F_HYPHEN = 16  # a hyphen token ("CRM" "-" "Tools" join again)
F_FIRST_ALNUM = 32
F_LAST_ALNUM = 64
F_PRONOUN_V1 = 128  # German pronoun after a clause-initial verb ("Brauchen *wir* ...")
F_AFTER_INF = 256  # German word after a clause-final infinitive ("verschicken *können*")
F_VERB_CUE = 512  # English word before a verb ("*to* transfer")
F_PARTICLE = 1024  # English verb particle ("up", "out")
F_OPENER = 2048  # first word of a question opener ("how", "wie")
F_CONFIGURED = 4096  # holds the first lemma of a configured term (always_keep, brand, ...)


@dataclass(frozen=True, slots=True, eq=False)
class Word:
    """Context-free facts about one word text (one object per text in a WordInfo)."""

    lower: str
    cls: str  # B, S, P, D, G, Q, X, Z, O or W (content word)
    lemmas: tuple[str, ...]
    cap: bool
    namey: bool
    bits: int  # English POS bits / German shape bits
    compound: bool = False  # hyphenated, or a long German noun


@functools.cache
def _en_pos_index() -> dict[str, int]:
    path = Path(spacy_lookups_data.__file__).parent / "data" / "en_lemma_index.json.gz"
    with gzip.open(path, "rt", encoding="utf-8") as handle:
        index = json.load(handle)
    bits: dict[str, int] = {}
    for pos, bit in (("noun", _EN_NOUN), ("verb", _EN_VERB), ("adj", _EN_ADJ), ("adv", _EN_ADV)):
        for word in index.get(pos, ()):
            bits[word] = bits.get(word, 0) | bit
    return bits


class WordInfo:
    """Per-language word table: ``words[i]`` and numpy columns ``cls``, ``flags``, ``bits``,
    ``length`` and two random hash values per row (see :mod:`extractors.spans`).

    ``brand_words`` are tagged as names, the words of ``people`` (own staff) as stop words,
    words holding a lemma of ``configured_first`` get ``F_CONFIGURED``.
    """

    def __init__(
        self,
        lang: str,
        brand_words: frozenset[str] = frozenset(),
        people: frozenset[str] = frozenset(),
        configured_first: frozenset[str] = frozenset(),
    ):
        self.lang = lang
        self.people = people
        self.brand_words = brand_words
        self.configured_first = configured_first
        self.stops = stop_words(lang)
        self.preps = PREPOSITIONS.get(lang, frozenset())
        self.dets = DETERMINERS.get(lang, frozenset())
        self.wh = WH_WORDS.get(lang, frozenset())
        self.light_verbs = LIGHT_VERBS.get(lang, frozenset())
        self.auxiliaries = AUXILIARIES.get(lang, frozenset())
        self.state_verbs = DE_STATE_VERBS if lang == "de" else frozenset()
        self.openers = frozenset(o.split()[0] for o in QUESTION_OPENERS.get(lang, ()))
        self.words: list[Word] = []
        self.by_text: dict[str, int] = {}
        self.lower_ids: dict[str, int] = {}  # lower-case form -> number (the "lower" column)
        self.by_orth: dict[int, int] = {}  # trained path: ORTH hash -> row
        self._rng = np.random.default_rng(20260401)
        self._grow(4096)
        # Question openers by number of words, each packed into one number (see
        # extractors.spans.question_spans).
        codes: dict[int, list[int]] = {}
        for opener in QUESTION_OPENERS.get(lang, ()):
            words = opener.split()
            code = sum(self.lower_id(w) << (OPENER_BITS * j) for j, w in enumerate(words))
            codes.setdefault(len(words), []).append(code)
        self.opener_codes = {n: np.array(sorted(c), dtype=np.int64) for n, c in codes.items()}

    def _grow(self, capacity: int) -> None:
        old = len(self.words)

        def grown(column: np.ndarray | None, dtype) -> np.ndarray:
            new = np.zeros(capacity, dtype=dtype)
            if column is not None:
                new[:old] = column[:old]
            return new

        self.cls = grown(getattr(self, "cls", None), np.uint8)
        self.flags = grown(getattr(self, "flags", None), np.uint32)
        self.bits = grown(getattr(self, "bits", None), np.uint8)
        self.length = grown(getattr(self, "length", None), np.int64)
        self.lower = grown(getattr(self, "lower", None), np.int64)
        hashes = self._rng.integers(0, 2**64, size=(2, capacity), dtype=np.uint64, endpoint=False)
        if old:
            hashes[0, :old] = self.hash1[:old]
            hashes[1, :old] = self.hash2[:old]
        self.hash1, self.hash2 = hashes[0], hashes[1]

    def __len__(self) -> int:
        return len(self.words)

    # --- rows ------------------------------------------------------------------------------

    def row(self, text: str) -> int:
        """The row of a word text, added on first sight."""
        i = self.by_text.get(text)
        if i is None:
            i = self._add(text)
        return i

    def _add(self, text: str) -> int:
        i = len(self.words)
        if i >= len(self.cls):
            self._grow(2 * len(self.cls))
        word = self._make(text)
        self.words.append(word)
        self.by_text[text] = i
        self.cls[i] = ord(word.cls)
        self.bits[i] = word.bits
        self.length[i] = len(text)
        self.lower[i] = self.lower_id(word.lower)
        self.flags[i] = self._flags(text, word)
        return i

    def lower_id(self, lower: str) -> int:
        """The number of a lower-case form (the same for "Wie", "wie" and "WIE")."""
        return self.lower_ids.setdefault(lower, len(self.lower_ids))

    def _flags(self, text: str, word: Word) -> int:
        lower = word.lower
        flags = (
            F_CAP * word.cap
            | F_NAMEY * word.namey
            | F_COMPOUND * word.compound
            | F_SALUTATION * (lower in SALUTATIONS)
            | F_HYPHEN * (text in _HYPHEN_TOKENS)
            | F_FIRST_ALNUM * text[:1].isalnum()
            | F_LAST_ALNUM * text[-1:].isalnum()
            | F_OPENER * (lower in self.openers)
            | F_CONFIGURED * (not self.configured_first.isdisjoint(word.lemmas))
        )
        if self.lang == "de":
            flags |= F_PRONOUN_V1 * (lower in _PRONOUNS_AFTER_V1)
            flags |= F_AFTER_INF * (lower in DE_AFTER_INFINITIVE)
        elif self.lang == "en":
            flags |= F_VERB_CUE * (lower in EN_VERB_CUES)
            flags |= F_PARTICLE * (lower in EN_PARTICLES)
        return flags

    def doc_rows(self, docs: list[Doc], offsets: list[int]) -> tuple[np.ndarray, np.ndarray]:
        """Rows and start offsets of the tokens of blank-pipeline Docs that sit at
        ``offsets`` in one joined text.

        The row is kept in the lexeme's ``rank`` (the blank pipeline has no vectors to rank):
        only words never seen before cost Python work, once.
        """
        tables = [doc.to_array(_ID_IDX) for doc in docs]
        table = np.concatenate(tables) if len(tables) != 1 else tables[0]
        rows = table[:, 0]
        if (rows == _OOV_RANK).any():
            for doc, doc_table in zip(docs, tables, strict=True):
                unknown = doc_table[:, 0] == _OOV_RANK
                if unknown.any():
                    strings, vocab = doc.vocab.strings, doc.vocab
                    for orth in np.unique(doc.to_array([ORTH])[unknown]).tolist():
                        vocab[orth].rank = self.row(strings[orth])
            rows = np.concatenate([doc.to_array([ID]) for doc in docs])
        starts = table[:, 1].astype(np.int64)
        if len(docs) > 1:
            sizes = [len(t) for t in tables]
            starts += np.repeat(np.asarray(offsets, dtype=np.int64), sizes)
        elif offsets and offsets[0]:
            starts += offsets[0]
        return rows.astype(np.intp), starts

    def orth_rows(self, doc: Doc) -> tuple[np.ndarray, np.ndarray]:
        """Rows and start offsets for a trained pipeline's Doc (its lexeme ranks index its
        vectors, so the rows come from a dictionary keyed by ORTH)."""
        table = doc.to_array([ORTH, IDX])
        by_orth = self.by_orth
        strings = doc.vocab.strings
        rows = []
        for orth in table[:, 0].tolist():
            i = by_orth.get(orth)
            if i is None:
                i = by_orth[orth] = self.row(strings[orth])
            rows.append(i)
        return np.asarray(rows, dtype=np.intp), table[:, 1].astype(np.int64)

    # --- facts -----------------------------------------------------------------------------

    def _make(self, text: str) -> Word:
        lower = text.lower()
        lang = self.lang
        first = text[:1]
        cap = first.isupper()
        if lower in self.people:
            return Word(lower, "S", (), cap, False, 0)  # a name of our own staff
        if lower in self.auxiliaries:
            return Word(lower, "X", unit_lemmas(text, lang), cap, False, 0)
        if lower in self.state_verbs:
            return Word(lower, "Z", unit_lemmas(text, lang), cap, False, 0)
        if lower in self.light_verbs or lemmatise(text, lang) in self.light_verbs:
            return Word(lower, "O", unit_lemmas(text, lang), cap, False, 0)
        # Prepositions and articles first: "pro" and "per" are not on spaCy's stop lists.
        if lower in self.preps:
            cls = "P"
        elif lang == "de" and lower in _DE_FOREIGN_STOPS and text not in lemma_table(lang):
            cls = "S"
        elif lang == "de" and lower in ("der", "des"):
            cls = "G"  # may open a genitive: "Terminplanung der Monteure"
        elif lower in self.dets:
            cls = "D"
        elif lower in self.stops and not (lang == "de" and cap and lower in DE_NOUN_STOP_WORDS):
            cls = "Q" if lower in self.wh else "S"
        else:
            cls = ""
        if cls:
            return Word(lower, cls, unit_lemmas(text, lang), cap, False, 0)
        if not first.isalnum() or text.isspace():
            return Word(lower, "S" if first in "'’" else "B", (), False, False, 0)
        if not any(c.isalpha() for c in text) or "." in text:
            return Word(lower, "S", (), False, False, 0)
        lemmas = unit_lemmas(text, lang)
        if not lemmas:
            return Word(lower, "S", (), cap, False, 0)
        # A hyphenated word is a name only if all its parts are ("CRM-Tool" is a compound).
        namey = lower in self.brand_words or all(
            _is_namey(part) for part in _HYPHEN_SPLIT.split(text) if part
        )
        bits = 0
        if lang == "en":
            index = _en_pos_index()
            bits = index.get(lemmatise(text, lang), 0) | index.get(lower, 0)
            if lower.endswith(("ed", "ing")) and bits & _EN_VERB:
                bits |= PARTICIPLE  # an adjective in front of a noun
            if lower.endswith("ing") and bits & _EN_VERB:
                bits |= GERUND  # "planning": a noun of its own after a noun ("shift planning")
        elif lang == "de" and cap:
            table = lemma_table(lang)
            if lower in table and text not in table:
                bits |= _DE_VERB_FORM  # "Lösche", "Erstelle": a verb form, capitalised first
        elif lang == "de" and not cap:
            if lower.endswith(("e", "en", "er", "es", "em")) or lower.startswith("ge"):
                bits |= _DE_ADJ_END
            if lower.endswith(("en", "ern", "eln")):
                bits |= _DE_INF_END
        compound = any(h in text for h in _HYPHEN_TOKENS) or (lang == "de" and len(text) >= 10)
        return Word(lower, "W", lemmas, cap, namey, bits, compound)


def _is_namey(text: str) -> bool:
    """Acronym ("SAP"), inner capital ("HubSpot") or digits ("Office365")."""
    return (
        (len(text) > 1 and text.isupper())
        or any(c.isupper() for c in text[1:])
        or any(c.isdigit() for c in text)
    )


# --- units --------------------------------------------------------------------------------


@dataclass
class Units:
    """The words of a text as arrays: table rows, character offsets, last token index.

    A unit is a token, or a hyphenated word spaCy split ("CRM" "-" "Tools") joined again so
    every language sees the same word.
    """

    rows: np.ndarray
    starts: np.ndarray
    ends: np.ndarray
    heads: np.ndarray  # index of the unit's last token in the Doc


def units(rows: np.ndarray, starts: np.ndarray, text: str, info: WordInfo) -> Units:
    """Join hyphenated words: a hyphen with a letter or digit right before and after it."""
    n = len(rows)
    ends = starts + info.length[rows]
    heads = np.arange(n)
    hyphens = np.flatnonzero(info.flags[rows] & F_HYPHEN)
    hyphens = hyphens[(hyphens > 0) & (hyphens < n - 1)]
    if len(hyphens):
        before, after = hyphens - 1, hyphens + 1
        joins = hyphens[
            (ends[before] == starts[hyphens])
            & (ends[hyphens] == starts[after])
            & (info.flags[rows[before]] & F_LAST_ALNUM != 0)
            & (info.flags[rows[after]] & F_FIRST_ALNUM != 0)
        ]
        if len(joins):
            dropped = np.zeros(n, dtype=bool)
            dropped[joins] = True
            dropped[joins + 1] = True
            first = np.flatnonzero(~dropped)
            last = np.empty_like(first)
            last[:-1] = first[1:] - 1
            last[-1] = n - 1
            rows, starts, ends, heads = rows[first], starts[first], ends[last], last
            merged = np.flatnonzero(last > first)
            rows = rows.copy()
            for u, a, b in zip(
                merged.tolist(), starts[merged].tolist(), ends[merged].tolist(), strict=True
            ):
                rows[u] = info.row(text[a:b])
    return Units(rows, starts, ends, heads)


# --- blank tags ---------------------------------------------------------------------------
