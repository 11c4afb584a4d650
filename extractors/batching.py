"""Batching for the phrase extractor: texts joined into batches and Docs, results as arrays.

Split from :mod:`extractors.phrases` (the rules' driver) so each module stays readable: this is
the plumbing that makes the blank path fast (one tokenizer call per batch, Docs of about
DOC_CHARS, long texts cut where tokenization does not depend on what follows).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator

import numpy as np
from spacy.language import Language
from spacy.tokens import Doc

from kundensprache.extractors.spans import MAX_NP_UNITS, Result, SpanFacts
from kundensprache.extractors.tagging import T, Units, WordInfo

_SEPARATOR = "\n\n"
# Texts longer than this are processed in pieces (spaCy's own limit is 1,000,000 chars).
MAX_CHARS = 100_000
# Texts are processed in batches of about this many characters: the rules run once per
# batch over all its texts (each ending in a blank line, a boundary no phrase crosses), so
# their fixed cost per call is shared by many texts.
CHUNK_CHARS = 50_000
MAX_BATCH = 10_000  # texts; empty ones add no characters
# Blank path: texts are tokenized in Docs of about this many characters (see doc_cuts).
DOC_CHARS = 500


class Compact:
    """The phrases of a batch as arrays: item index, offsets in the item's text, kind, and
    the keys as a list of (shared) strings. Cheap to send between processes; turned into
    Phrase tuples by extractors.phrases._materialise."""

    def __init__(self) -> None:
        self.parts: list[tuple[np.ndarray, ...]] = []
        self.keys: list[str] = []

    def add(
        self,
        found: Result,
        facts: SpanFacts,
        begins: np.ndarray,
        items: np.ndarray,
        shifts: np.ndarray,
    ) -> None:
        """``found`` offsets refer to pieces joined into one text: piece j begins at
        ``begins[j]`` (ascending), belongs to batch item ``items[j]``, and ``shifts[j]`` turns
        a joined offset into one in the item's text."""
        if not len(found.start):
            return
        piece = np.searchsorted(begins, found.start, side="right") - 1
        shift = shifts[piece]
        self.parts.append((items[piece], found.start + shift, found.end + shift, found.kind))
        self.keys.extend(map(facts.keys.__getitem__, found.key_id.tolist()))

    def arrays(self) -> tuple[np.ndarray, ...]:
        if len(self.parts) == 1:
            return self.parts[0]
        return tuple(np.concatenate(column) for column in zip(*self.parts, strict=True))


def batches(items: Iterable[tuple[str, str]]) -> Iterator[list[tuple[str, str]]]:
    """Consecutive items of about CHUNK_CHARS characters (at most MAX_BATCH items)."""
    batch: list[tuple[str, str]] = []
    chars = 0
    for item in items:
        batch.append(item)
        chars += len(item[0] or "")
        if chars >= CHUNK_CHARS or len(batch) >= MAX_BATCH:
            yield batch
            batch, chars = [], 0
    if batch:
        yield batch


def join_tagged(group: list[tuple[int, int, str]], tagged: list, info: WordInfo):
    """One unit sequence for the trained path's Docs, each followed by a boundary unit (the
    separator the blank path puts between texts), so the rules run once per group."""
    separator = info.row(_SEPARATOR)
    rows, starts, ends, tags = [], [], [], []
    chunk_starts: list[int] = []
    chunk_ends: list[int] = []
    begins = []
    chars = count = 0
    for (_, _, piece), (unit, unit_tags, (a, b)) in zip(group, tagged, strict=True):
        begins.append(chars)
        end = chars + len(piece)
        rows += [unit.rows, np.array([separator])]
        starts += [unit.starts + chars, np.array([end])]
        ends += [unit.ends + chars, np.array([end + len(_SEPARATOR)])]
        tags += [unit_tags, np.array([T["B"]], dtype=np.uint8)]
        chunk_starts += [x + count for x in a]
        chunk_ends += [x + count for x in b]
        count += len(unit.rows) + 1
        chars = end + len(_SEPARATOR)
    row_array = np.concatenate(rows)
    joined = Units(row_array, np.concatenate(starts), np.concatenate(ends), np.arange(count))
    return joined, np.concatenate(tags), (chunk_starts, chunk_ends), np.array(begins)


_CUT = re.compile(r"\s(?=\S)")


def doc_cuts(joined: str, begins: np.ndarray, sizes: np.ndarray, inside: bool) -> list[int]:
    """Where to cut the joined text into Docs of about DOC_CHARS characters.

    spaCy stops filling its tokenizer cache for the rest of a Doc once a special case
    occurs ("don't", a line break), so one long Doc tokenizes much slower than many small
    ones. Short texts are packed together; long ones (``inside``) are cut right after a
    whitespace run, where tokenization does not depend on what follows.
    """
    cuts = (begins[np.flatnonzero(np.diff(begins // DOC_CHARS)) + 1]).tolist()
    if inside:
        long_text = sizes > 2 * DOC_CHARS
        for begin, size in zip(begins[long_text].tolist(), sizes[long_text].tolist(), strict=True):
            end = begin + size - DOC_CHARS
            at = begin + DOC_CHARS
            while at < end and (m := _CUT.search(joined, at, end)) is not None:
                cuts.append(m.end())
                at = m.end() + DOC_CHARS
        cuts.sort()
    return [0, *cuts, len(joined)]


def cuttable(nlp: Language) -> bool:
    """Whether cutting a text at whitespace leaves its tokens as they are: not where a
    special case spans words (Spanish "EE. UU.")."""
    rules = getattr(nlp.tokenizer, "rules", None)
    if rules is None:  # a tokenizer of its own (Chinese): no whitespace rules to rely on
        return False
    return not any(k.strip() and any(c.isspace() for c in k) for k in rules)


def noun_chunk_spans(doc: Doc, heads: np.ndarray, tags: np.ndarray):
    """The trained parser's noun chunks, trimmed to their adjective + noun core."""
    if not doc.has_annotation("DEP") or not len(heads):
        return [], []
    counts = np.diff(heads, prepend=-1)
    unit_of_token = np.repeat(np.arange(len(heads)), counts).tolist()
    core_start = (T["A"], T["N"], T["M"])
    core_end = (T["N"], T["M"])
    starts, ends = [], []
    for chunk in doc.noun_chunks:
        a = unit_of_token[chunk.start]
        b = unit_of_token[chunk.end - 1] + 1
        while a < b and tags[a] not in core_start:
            a += 1
        while b > a and tags[b - 1] not in core_end:
            b -= 1
        if a < b and b - a <= MAX_NP_UNITS:
            starts.append(a)
            ends.append(b)
    return starts, ends


def chunks(todo: list[tuple[int, int, str]], chars: int) -> Iterator[list[tuple[int, int, str]]]:
    """Consecutive pieces of about ``chars`` characters in all (a longer piece alone)."""
    group: list[tuple[int, int, str]] = []
    size = 0
    for item in todo:
        length = len(item[2]) + len(_SEPARATOR)
        if group and size + length > chars:
            yield group
            group, size = [], 0
        group.append(item)
        size += length
    if group:
        yield group


def split_long(text: str) -> list[tuple[int, str]]:
    """Cut a very long text at line breaks (or spaces) into pieces spaCy accepts."""
    if len(text) <= MAX_CHARS:
        return [(0, text)]
    pieces = []
    offset = 0
    while offset < len(text):
        end = min(offset + MAX_CHARS, len(text))
        if end < len(text):
            cut = text.rfind("\n", offset, end)
            if cut <= offset:
                cut = text.rfind(" ", offset, end)
            end = cut + 1 if cut > offset else end
        pieces.append((offset, text[offset:end]))
        offset = end
    return pieces
