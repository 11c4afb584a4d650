"""The context rules: one tag letter per unit from the word facts of :mod:`extractors.tagging`.

German capitalisation, "adjective before a noun", English verb cues, people's names masked:
whole-array numpy operations, no Python work per token. The tag letters are listed in
:mod:`extractors.tagging`.
"""

from __future__ import annotations

import numpy as np
from spacy.language import Language
from spacy.tokens import Doc

from kundensprache.extractors.tagging import (
    _DE_ADJ_END,
    _DE_INF_END,
    _DE_VERB_FORM,
    _EN_ADJ,
    _EN_NOUN,
    _EN_VERB,
    _W,
    F_AFTER_INF,
    F_CAP,
    F_NAMEY,
    F_PARTICLE,
    F_PRONOUN_V1,
    F_SALUTATION,
    F_VERB_CUE,
    GERUND,
    PARTICIPLE,
    T,
    Units,
    WordInfo,
)


def _shift_prev(values: np.ndarray, fill) -> np.ndarray:
    out = np.empty_like(values)
    out[0] = fill
    out[1:] = values[:-1]
    return out


def _shift_next(values: np.ndarray, fill) -> np.ndarray:
    out = np.empty_like(values)
    out[-1] = fill
    out[:-1] = values[1:]
    return out


def _next_outside(inside: np.ndarray) -> np.ndarray:
    """For each position k, the first position after k that is not ``inside`` (n if none)."""
    n = len(inside)
    index = np.where(inside, n, np.arange(n))
    suffix_min = np.minimum.accumulate(index[::-1])[::-1]
    return _shift_next(suffix_min, n)


def blank_tags(rows: np.ndarray, info: WordInfo) -> np.ndarray:
    """Tags (uint8 letters) from word lists and shapes (no trained model)."""
    if not len(rows):
        return np.zeros(0, dtype=np.uint8)
    cls = info.cls[rows]
    flags = info.flags[rows]
    bits = info.bits[rows]
    if info.lang == "de":
        tags = _tags_de(cls, flags, bits)
    elif info.lang == "en":
        tags = _tags_en(cls, flags, bits)
    else:
        tags = _tags_generic(cls, flags)
    return _mask_people(tags, flags)


def _mask_people(tags: np.ndarray, flags: np.ndarray) -> np.ndarray:
    """ "Herr Meier", "Mrs Smith": a salutation and the capitalised word after it are no topic."""
    salutation = flags & F_SALUTATION != 0
    if salutation.any():
        tags[salutation] = T["S"]
        after = salutation[:-1] & (flags[1:] & F_CAP != 0)
        tags[1:][after] = T["S"]
    return tags


def _tags_de(cls: np.ndarray, flags: np.ndarray, bits: np.ndarray) -> np.ndarray:
    tags = cls.copy()
    word = cls == _W
    initial = _shift_prev(cls, T["B"]) == T["B"]
    next_cls = _shift_next(cls, T["B"])
    next_flags = _shift_next(flags, 0)
    namey = word & (flags & F_NAMEY != 0)
    cap = word & ~namey & (flags & F_CAP != 0)
    lower = word & ~namey & ~cap
    tags[namey] = T["M"]
    # Capitalised: a noun, unless it opens the clause as a verb ("Lösche den Wecker").
    tags[cap] = T["N"]
    verb_first = cap & initial
    tags[verb_first & ((bits & _DE_VERB_FORM != 0) | (next_flags & F_PRONOUN_V1 != 0))] = T["O"]
    tags[verb_first & ((next_cls == T["D"]) | (next_cls == T["G"]))] = T["I"]
    # Lower-case: a clause-final infinitive ("Angebote als PDF verschicken"), else other.
    tags[lower] = T["O"]
    infinitive = (bits & _DE_INF_END != 0) & (
        (next_cls == T["B"]) | (next_flags & F_AFTER_INF != 0)
    )
    tags[lower & infinitive] = T["V"]
    # An adjective stands before a noun or name, maybe through more adjectives.
    adjective = lower & (bits & _DE_ADJ_END != 0)
    if adjective.any():
        after = _next_outside(adjective)
        extended = np.append(tags, T["B"])[after]
        tags[adjective & ((extended == T["N"]) | (extended == T["M"]))] = T["A"]
    return tags


def _tags_en(cls: np.ndarray, flags: np.ndarray, bits: np.ndarray) -> np.ndarray:
    tags = cls.copy()
    word = cls == _W
    prev_cls = _shift_prev(cls, T["B"])
    initial = prev_cls == T["B"]
    next_cls = _shift_next(cls, T["B"])
    prev_flags = _shift_prev(flags, 0)
    next_flags = _shift_next(flags, 0)
    noun, verb, adj = bits & _EN_NOUN != 0, bits & _EN_VERB != 0, bits & _EN_ADJ != 0
    participle = bits & PARTICIPLE != 0
    rest = word.copy()

    def decide(mask: np.ndarray, tag) -> None:
        nonlocal rest
        mask = rest & mask
        tags[mask] = tag if not isinstance(tag, np.ndarray) else tag[mask]
        rest &= ~mask

    decide((flags & F_NAMEY != 0) | ((flags & F_CAP != 0) & ~initial), T["M"])
    # "is wrong", "got stuck", "was declined"
    after_aux = (prev_cls == T["X"]) | (prev_cls == T["O"])
    decide(after_aux & (participle | adj), np.where(participle, T["V"], T["A"]).astype(np.uint8))
    cue = (prev_flags & F_VERB_CUE != 0) | (next_cls == T["D"]) | (next_flags & F_PARTICLE != 0)
    decide(verb & cue, T["V"])
    decide(verb & initial & ~noun, T["V"])
    # What is left: an adjective before a noun phrase, else its most likely part of speech.
    adjective = rest & (participle | adj)
    fallback = np.full(len(tags), T["O"], dtype=np.uint8)
    fallback[adj] = T["A"]
    fallback[verb] = T["V"]
    fallback[noun | (bits == 0)] = T["N"]
    fallback[participle] = T["V"]  # "was declined": a participle, not the noun "decline"
    tags[rest] = fallback[rest]
    if adjective.any():
        nma = (tags == T["N"]) | (tags == T["M"]) | (tags == T["A"])
        # A participle that is not before a noun phrase is a verb, and then the word before
        # it is not before one either: carry the answer leftwards through such words.
        carry = adjective & ~nma
        after = _next_outside(carry)
        nma_ext = np.append(nma, False)
        resolved = np.where(carry, nma_ext[after], nma)
        before_np = _shift_next(resolved, False)
        tags[adjective & before_np] = T["A"]
    _gerund_compounds(tags, cls, flags, bits)
    # Particles after a verb ("top *up*"), left to right: a particle after a particle stays.
    particle = flags & F_PARTICLE != 0
    candidates = np.flatnonzero(particle[1:] & (tags[:-1] == T["V"])) + 1
    for k in candidates.tolist():
        if tags[k - 1] == T["V"]:
            tags[k] = T["R"]
    return tags


def _gerund_compounds(tags, cls, flags, bits) -> None:
    """ "need *shift planning* for nurses", "our *route planning* is": a word that can be a
    noun, right before an -ing form that takes no object (a preposition, a stop word or the
    clause's end follows), is that noun's modifier: both are nouns. Not after a stop word
    ("we *keep waiting* for"), where the first word is the clause's verb."""
    word = cls == _W
    noun_capable = word & (bits & _EN_NOUN != 0) & (bits & PARTICIPLE == 0)
    noun_capable &= flags & F_NAMEY == 0
    gerund = word & (bits & GERUND != 0)
    after = _shift_next(_shift_next(cls, T["B"]), T["B"])
    no_object = np.isin(after, [T["B"], T["P"], T["S"], T["X"], T["Q"]])
    prev_cls = _shift_prev(cls, T["B"])
    opener = np.isin(prev_cls, [T["B"], T["D"], T["P"], T["O"], _W])
    first = noun_capable & opener & _shift_next(gerund, False) & no_object
    if first.any():
        tags[first] = T["N"]
        tags[_shift_prev(first, False)] = T["N"]


def _tags_generic(cls: np.ndarray, flags: np.ndarray) -> np.ndarray:
    """Any other language: runs of non-stop words, capitalised mid-sentence words as names."""
    tags = cls.copy()
    tags[np.isin(cls, [T["P"], T["D"], T["G"], T["Q"], T["X"], T["Z"]])] = T["S"]
    word = cls == _W
    initial = _shift_prev(cls, T["B"]) == T["B"]
    name = (flags & F_NAMEY != 0) | ((flags & F_CAP != 0) & ~initial)
    tags[word] = T["N"]
    tags[word & name] = T["M"]
    return tags


# --- trained tags -------------------------------------------------------------------------

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


def trained_tags(doc: Doc, unit: Units, info: WordInfo, lang: str) -> np.ndarray:
    """Tags from a trained pipeline's POS tags (head token of each unit)."""
    tags = []
    words = info.words
    for row, head in zip(unit.rows.tolist(), unit.heads.tolist(), strict=True):
        w = words[row]
        tok = doc[head]
        pos = tok.pos_
        if w.cls in ("Q", "O", "G", "X", "Z"):
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
        tags.append(T[tag])
    return _mask_people(np.asarray(tags, dtype=np.uint8), info.flags[unit.rows])


def blank_pipeline_ok(nlp: Language) -> bool:
    """Whether lexeme ranks are free to hold table rows (no vectors rank them)."""
    return nlp.vocab.vectors.size == 0
