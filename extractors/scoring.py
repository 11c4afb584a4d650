"""Corpus-level relevance of a phrase: many customers, specific words, not boilerplate, recent.

relevance = (log2(1 + weighted accounts) + 0.25 * log2(1 + weighted documents))
            * specificity * length * (1 - 0.8 * boilerplate) * (0.6 + 0.4 * recency)
            * (0.5 if internal jargon)

- accounts dominate: ten customers saying it once beat one customer saying it ten times;
  an account's weight is 1.0 for the customer's own words, ``paraphrase_weight`` for a
  rep's note about them.
- specificity (0.1..1) falls with the phrase's everyday frequency (wordfreq Zipf): "Termin"
  or "card" alone say little, "DATEV-Schnittstelle" a lot. A single word of Zipf >= 5
  ("Preis", "Problem", "card") is dropped as a candidate altogether (unless always_keep or a
  brand term). For other languages than English the English frequency counts too: "Love" or
  "Tool" in German text are everyday words, not rare ones.
- length rewards two- and three-word phrases, the shape of search queries.
- boilerplate (0..1): share of mentions in sentences repeated verbatim across documents
  (signatures, templates), or 1 when one account uses the phrase in most of its documents
  and nobody else does.
- recency (0..1): mean over documents of 0.5 ** (months before the report month's end / 6).
"""

from __future__ import annotations

import math
from datetime import date

from kundensprache.extractors.frequency import zipf

HALF_LIFE_MONTHS = 6.0
UNDATED_RECENCY = 0.5
# Phrase Zipf at or below which a phrase counts as fully specific, and the width of the ramp.
SPECIFIC_ZIPF = 3.0
ZIPF_RAMP = 2.5
MIN_SPECIFICITY = 0.1
# Each extra word makes a phrase about ten times rarer than its rarest word (a rough prior;
# wordfreq has no phrase counts).
ZIPF_PER_EXTRA_WORD = 1.5
LENGTH_FACTOR = {1: 1.0, 2: 1.2, 3: 1.2, 4: 1.1}
# A single word at least this common (about the 1,500 most frequent words) is no keyword.
EVERYDAY_ZIPF = 5.0


def phrase_zipf(words: list[str], lang: str) -> float:
    """Estimated everyday Zipf frequency of a phrase from its lower-case words."""
    if not words:
        return 0.0
    if lang == "en":
        rarest = min(zipf(w, lang) for w in words)
    else:  # English words in other languages ("Love", "Tool") are everyday words too
        rarest = min(max(zipf(w, lang), zipf(w, "en")) for w in words)
    return max(0.0, rarest - ZIPF_PER_EXTRA_WORD * (len(words) - 1))


def is_everyday_word(words: list[str], lang: str) -> bool:
    """One of the most common words of everyday language ("Preis", "Problem", "card")."""
    return len(words) == 1 and phrase_zipf(words, lang) >= EVERYDAY_ZIPF


def specificity(words: list[str], lang: str) -> float:
    """1.0 for rare phrases, down to MIN_SPECIFICITY for everyday words."""
    value = 1.0 - (phrase_zipf(words, lang) - SPECIFIC_ZIPF) / ZIPF_RAMP
    return min(1.0, max(MIN_SPECIFICITY, value))


def recency(doc_date: date | None, report_end: date) -> float:
    """Weight of one document by age: 1.0 in the report month, 0.5 six months earlier."""
    if doc_date is None:
        return UNDATED_RECENCY
    months = max(0.0, (report_end - doc_date).days / 30.44)
    return 0.5 ** (months / HALF_LIFE_MONTHS)


def relevance(
    *,
    account_weight: float,
    document_weight: float,
    specificity: float,
    n_lemmas: int,
    boilerplate: float,
    recency: float,
    jargon: bool,
) -> float:
    """Combine the factors above; rounded so float summation order cannot change a CSV."""
    base = math.log2(1.0 + account_weight) + 0.25 * math.log2(1.0 + document_weight)
    value = (
        base
        * specificity
        * LENGTH_FACTOR.get(n_lemmas, 1.0)
        * (1.0 - 0.8 * boilerplate)
        * (0.6 + 0.4 * recency)
        * (0.5 if jargon else 1.0)
    )
    return round(value, 6)
