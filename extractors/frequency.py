"""Everyday word frequency (wordfreq), the measure of how general a word is."""

from __future__ import annotations

import functools
import math

import wordfreq


@functools.cache
def word_frequencies(lang: str) -> dict[str, float]:
    """wordfreq's frequency list for ``lang`` (empty if wordfreq has none)."""
    try:
        return wordfreq.get_frequency_dict(lang)
    except (LookupError, ValueError, OSError):
        return {}


def zipf(word: str, lang: str) -> float:
    """Zipf frequency (0..8) of a single lower-case word in everyday language."""
    freq = word_frequencies(lang).get(word, 0.0)
    return math.log10(freq) + 9.0 if freq > 0 else 0.0
