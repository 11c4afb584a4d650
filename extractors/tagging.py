"""Turn a spaCy Doc into units with one coarse tag letter each.

Both paths end in the same tag string, so the phrase rules (regular expressions over the
tags, see :mod:`extractors.phrases`) are written once:

====  ==============================================================
B     clause boundary (punctuation, line break)
S     stop word, number, anything that breaks a phrase
P     preposition searchers keep ("für", "zu", "with")
D     article or possessive ("die", "my")
G     German "der"/"des" (may open a genitive: "Terminplanung der Monteure")
X     English auxiliary or negation ("is", "not", "has", "n't")
I     German clause-initial verb before an article ("*Lösche* den Wecker")
Q     question word
N     noun
M     name (brand, product, acronym: "DATEV", "HubSpot", "Office365")
A     adjective (or participle) in front of a noun
V     verb (German: clause-final infinitive only)
R     English verb particle ("top *up*")
O     other content word (adverb, finite verb, ...): breaks a phrase
====  ==============================================================

Blank path: word lists, German capitalisation and the English lemma index of
spacy-lookups-data. Trained path: the pipeline's POS tags. Per-word facts are cached by the
word's text, so the hot loop does a dictionary lookup per token.
"""

from __future__ import annotations

import functools
import gzip
import json
import operator
import re
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import spacy_lookups_data
from spacy.attrs import IDX, LENGTH, ORTH, SPACY
from spacy.strings import StringStore, hash_string
from spacy.tokens import Doc

from extractors.lexicon import (
    AUXILIARIES,
    DE_AFTER_INFINITIVE,
    DE_NOUN_STOP_WORDS,
    DETERMINERS,
    EN_PARTICLES,
    EN_VERB_CUES,
    LIGHT_VERBS,
    PREPOSITIONS,
    SALUTATIONS,
    WH_WORDS,
    stop_words,
)
from extractors.normalize import lemma_table, lemmatise, unit_lemmas

_HYPHEN_TOKENS = frozenset({"-", "‐", "‑"})
_HYPHEN_SPLIT = re.compile(r"[-‐‑]")
_ATTRS = [ORTH, IDX, LENGTH, SPACY]
_PRONOUNS_AFTER_V1 = frozenset("ich wir sie es man du ihr er".split())
_EN_NOUN, _EN_VERB, _EN_ADJ, _EN_ADV = 1, 2, 4, 8


@dataclass(frozen=True, slots=True, eq=False)
class _Word:
    """Context-free facts about one word text, cached (one object per text: identity hash)."""

    lower: str
    cls: str  # B, S, P, D, Q or W (content word)
    lemmas: tuple[str, ...]
    cap: bool
    namey: bool
    bits: int  # English POS bits / German shape bits
    compound: bool = False  # hyphenated, or a long German noun


_DE_ADJ_END, _DE_INF_END, _DE_VERB_FORM = 1, 2, 4
# English function words in German text (song and film titles, quotes): not German nouns.
_DE_FOREIGN_STOPS = frozenset(
    "the a an of to in on for from with you your my me i we it is are and or at by this that "
    "be".split()
)


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
    """Cached per-language word facts; ``brand_words`` are tagged as names, the words of
    ``people`` (own staff) as stop words."""

    def __init__(
        self,
        lang: str,
        strings: StringStore,
        brand_words: frozenset[str] = frozenset(),
        people: frozenset[str] = frozenset(),
    ):
        self.lang = lang
        self.strings = strings
        self.people = people
        self.brand_words = brand_words
        self.stops = stop_words(lang)
        self.preps = PREPOSITIONS.get(lang, frozenset())
        self.dets = DETERMINERS.get(lang, frozenset())
        self.wh = WH_WORDS.get(lang, frozenset())
        self.light_verbs = LIGHT_VERBS.get(lang, frozenset())
        self.auxiliaries = AUXILIARIES.get(lang, frozenset())
        self.cache: dict[str, _Word] = {}
        self.orth_cache: dict[int, _Word] = {}
        self.hyphen_orths = frozenset(hash_string(h) for h in _HYPHEN_TOKENS)

    def get_orth(self, orth: int) -> _Word:
        """Facts for a token by its spaCy ORTH hash (the hot path: one dict lookup)."""
        word = self.orth_cache.get(orth)
        if word is None:
            if len(self.orth_cache) > 500_000:
                self.orth_cache.clear()
            word = self.orth_cache[orth] = self.get(self.strings[orth])
        return word

    def get(self, text: str) -> _Word:
        word = self.cache.get(text)
        if word is None:
            word = self._make(text)
            if len(self.cache) > 500_000:
                self.cache.clear()
            self.cache[text] = word
        return word

    def _make(self, text: str) -> _Word:
        lower = text.lower()
        lang = self.lang
        first = text[:1]
        cap = first.isupper()
        if lower in self.people:
            return _Word(lower, "S", (), cap, False, 0)  # a name of our own staff
        if lower in self.auxiliaries:
            return _Word(lower, "X", unit_lemmas(text, lang), cap, False, 0)
        if lower in self.light_verbs or lemmatise(text, lang) in self.light_verbs:
            return _Word(lower, "O", unit_lemmas(text, lang), cap, False, 0)
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
            return _Word(lower, cls, unit_lemmas(text, lang), cap, False, 0)
        if not first.isalnum() or text.isspace():
            return _Word(lower, "S" if first in "'’" else "B", (), False, False, 0)
        if not any(c.isalpha() for c in text) or "." in text:
            return _Word(lower, "S", (), False, False, 0)
        lemmas = unit_lemmas(text, lang)
        if not lemmas:
            return _Word(lower, "S", (), cap, False, 0)
        # A hyphenated word is a name only if all its parts are ("CRM-Tool" is a compound).
        namey = lower in self.brand_words or all(
            _is_namey(part) for part in _HYPHEN_SPLIT.split(text) if part
        )
        bits = 0
        if lang == "en":
            index = _en_pos_index()
            bits = index.get(lemmatise(text, lang), 0) | index.get(lower, 0)
            if lower.endswith(("ed", "ing")) and bits & _EN_VERB:
                bits |= 16  # participle: an adjective in front of a noun
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
        return _Word(lower, "W", lemmas, cap, namey, bits, compound)


def _is_namey(text: str) -> bool:
    """Acronym ("SAP"), inner capital ("HubSpot") or digits ("Office365")."""
    return (
        (len(text) > 1 and text.isupper())
        or any(c.isupper() for c in text[1:])
        or any(c.isdigit() for c in text)
    )


def token_table(doc: Doc) -> np.ndarray:
    """ORTH, IDX, LENGTH, SPACY of every token: one C call, no Token objects."""
    return doc.to_array(_ATTRS).reshape(-1, len(_ATTRS))


def doc_words(table: np.ndarray, text: str, info: WordInfo) -> tuple[list, list, list, list]:
    """Word facts, starts, ends and head-token indices of the units in a token table.

    English spaCy splits "CRM-Tools" into three tokens; a hyphen with no space on either side
    joins them again so every language sees the same word.
    """
    if not len(table):
        return [], [], [], []
    orths, starts, lengths, spaces = table.T.tolist()
    get = info.get_orth
    cache = info.orth_cache
    words = [cache.get(o) or get(o) for o in orths]
    n = len(orths)
    hyphens = info.hyphen_orths
    if hyphens.isdisjoint(orths):
        return words, starts, list(map(operator.add, starts, lengths)), list(range(n))
    joins = [
        h
        for h, o in enumerate(orths)
        if o in hyphens
        and 0 < h < n - 1
        and not spaces[h - 1]
        and not spaces[h]
        and text[starts[h] - 1].isalnum()
        and text[starts[h + 1]].isalnum()
    ]
    ends = list(map(operator.add, starts, lengths))
    if not joins:
        return words, starts, ends, list(range(n))
    # "CRM" "-" "Tools" -> one unit; chains ("E-Mail-Versand") join left to right.
    joined = set(joins)
    out_words, out_starts, out_ends, heads = [], [], [], []
    i = 0
    while i < n:
        j = i
        while j + 1 in joined:
            j += 2
        if j == i:
            out_words.append(words[i])
        else:
            out_words.append(info.get(text[starts[i] : ends[j]]))
        out_starts.append(starts[i])
        out_ends.append(ends[j])
        heads.append(j)
        i = j + 1
    return out_words, out_starts, out_ends, heads


def blank_tags(words: list[_Word], lang: str) -> list[str]:
    """Tags from word lists and shapes (no trained model)."""
    if lang == "de":
        tags = _tags_de(words)
    elif lang == "en":
        tags = _tags_en(words)
    else:
        tags = _tags_generic(words)
    return _mask_people(words, tags)


def _mask_people(words: list[_Word], tags: list[str]) -> list[str]:
    """ "Herr Meier", "Mrs Smith": a salutation and the name after it are no topic."""
    for k, w in enumerate(words):
        if w.lower in SALUTATIONS:
            tags[k] = "S"
            if k + 1 < len(words) and words[k + 1].cap:
                tags[k + 1] = "S"
    return tags


def _tags_de(words: list[_Word]) -> list[str]:
    n = len(words)
    tags = ["S"] * n
    for k in range(n - 1, -1, -1):
        w = words[k]
        if w.cls != "W":
            tags[k] = w.cls
            continue
        nxt = tags[k + 1] if k + 1 < n else "B"
        if w.namey:
            tags[k] = "M"
        elif w.cap:
            initial = k == 0 or words[k - 1].cls == "B"
            if initial and k + 1 < n and words[k + 1].cls in ("D", "G"):
                tags[k] = "I"  # "Lösche den Wecker", "Buche einen Tisch": a verb first
            elif initial and (
                w.bits & _DE_VERB_FORM or (k + 1 < n and words[k + 1].lower in _PRONOUNS_AFTER_V1)
            ):
                tags[k] = "O"  # "Erstelle Wecker", "Brauchen wir ...": a verb
            else:
                tags[k] = "N"
        elif w.bits & _DE_ADJ_END and nxt in ("N", "M", "A"):
            tags[k] = "A"
        elif w.bits & _DE_INF_END and (
            nxt == "B" or (k + 1 < n and words[k + 1].lower in DE_AFTER_INFINITIVE)
        ):
            tags[k] = "V"
        else:
            tags[k] = "O"
    return tags


def _tags_en(words: list[_Word]) -> list[str]:
    n = len(words)
    tags = ["S"] * n
    for k in range(n - 1, -1, -1):
        w = words[k]
        if w.cls != "W":
            tags[k] = w.cls
            continue
        nxt = tags[k + 1] if k + 1 < n else "B"
        nxt_lower = words[k + 1].lower if k + 1 < n else ""
        prev_lower = words[k - 1].lower if k > 0 else ""
        initial = k == 0 or words[k - 1].cls == "B"
        bits = w.bits
        prev_cls = words[k - 1].cls if k > 0 else "B"
        if w.namey or (w.cap and not initial):
            tags[k] = "M"
        elif prev_cls in ("X", "O") and bits & (16 | _EN_ADJ):
            tags[k] = "V" if bits & 16 else "A"  # "is wrong", "got stuck", "was declined"
        elif bits & _EN_VERB and (
            prev_lower in EN_VERB_CUES or nxt == "D" or nxt_lower in EN_PARTICLES
        ):
            tags[k] = "V"
        elif bits & _EN_VERB and initial and not bits & _EN_NOUN:
            tags[k] = "V"
        elif bits & (16 | _EN_ADJ) and nxt in ("N", "M", "A"):
            tags[k] = "A"
        elif bits & 16:
            tags[k] = "V"  # "was declined": a participle, not the noun "decline"
        elif bits & _EN_NOUN or not bits:
            tags[k] = "N"
        elif bits & _EN_VERB:
            tags[k] = "V"
        elif bits & _EN_ADJ:
            tags[k] = "A"
        else:
            tags[k] = "O"
    for k in range(1, n):
        if tags[k - 1] == "V" and words[k].lower in EN_PARTICLES:
            tags[k] = "R"
    return tags


def _tags_generic(words: list[_Word]) -> list[str]:
    """Any other language: runs of non-stop words, capitalised mid-sentence words as names."""
    tags = []
    prev = "B"
    for w in words:
        if w.cls != "W":
            tag = "S" if w.cls in ("P", "D", "G", "Q", "X") else w.cls
        elif w.namey or (w.cap and prev != "B"):
            tag = "M"
        else:
            tag = "N"
        tags.append(tag)
        prev = tag
    return tags


_UPOS_TAGS = {
    "NOUN": "N",
    "PROPN": "M",
    "ADJ": "A",
    "VERB": "V",
    "DET": "D",
    "PUNCT": "B",
    "SPACE": "B",
    "SYM": "B",
    "ADV": "O",
    "INTJ": "O",
}


def trained_tags(doc: Doc, words: list[_Word], heads: list[int], lang: str) -> list[str]:
    """Tags from a trained pipeline's POS tags (head token of each unit)."""
    tags = []
    for w, head in zip(words, heads, strict=True):
        tok = doc[head]
        pos = tok.pos_
        if w.cls in ("Q", "O", "G", "X"):
            tag = w.cls
        elif pos == "ADP" or w.cls == "P":
            tag = "R" if tok.tag_ == "RP" else ("P" if w.cls == "P" else "S")
        elif pos == "PRON" and w.cls == "D":
            tag = "D"
        elif pos == "VERB" and lang == "de":
            tag = "V" if "Inf" in tok.morph.get("VerbForm") else "O"
        elif pos in ("NOUN", "PROPN") and w.namey:
            tag = "M"
        elif pos in ("NOUN", "PROPN", "ADJ", "VERB") and not w.lemmas:
            tag = "S"  # a stop word the tagger calls a noun ("thing" lists differ)
        else:
            tag = _UPOS_TAGS.get(pos, "S")
        if pos == "PART" and tok.tag_ == "RP":
            tag = "R"
        tags.append(tag)
    return _mask_people(words, tags)
