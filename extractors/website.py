"""The company's own website copy, indexed for the vocabulary's ``not_on_website`` flag."""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable

from kundensprache.extractors.normalize import content_lemmas

_SENTENCE_END = re.compile(r"[.!?\n]+")


class WebsiteIndex:
    """Which content lemmas occur together in one sentence of the company's website."""

    def __init__(self, texts: Iterable[tuple[str, str]]):
        self.postings: dict[str, set[int]] = defaultdict(set)
        n = 0
        for text, lang in texts:
            for sentence in _SENTENCE_END.split(text or ""):
                for lemma in content_lemmas(sentence, lang):
                    self.postings[lemma].add(n)
                n += 1

    def contains(self, lemmas: frozenset[str]) -> bool:
        found: set[int] | None = None
        for lemma in sorted(lemmas, key=lambda x: len(self.postings.get(x, ()))):
            ids = self.postings.get(lemma)
            if not ids:
                return False
            found = set(ids) if found is None else found & ids
            if not found:
                return False
        return bool(found)
