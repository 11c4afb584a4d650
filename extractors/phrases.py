"""Candidate phrases from text: noun phrases, compounds, names, questions, verb phrases.

One tokenizer pass, one tag letter per word (:mod:`extractors.tagging`), then the phrase
shapes searchers type are found on the tag string (:mod:`extractors.spans`): noun phrases
with their adjectives ("automatische Rechnungserstellung", ``A*[NM]+``), two noun phrases
joined by a preposition or genitive ("Software für Handwerker", "Terminplanung der
Monteure"), German object + clause-final infinitive ("Angebote als PDF verschicken"),
English verb + object ("top up my card"), noun + state ("card is not working",
"Synchronisation funktioniert nicht"), and questions from a fixed list of openers to the
end of the clause ("wie kann ich ...", "is there a ...").

Without a trained pipeline the tags come from word lists and German capitalisation; with one
(``config.vocabulary.spacy_models``) from its POS tags, plus its noun chunks.

The blank path is built for throughput: many texts are joined into one tokenizer call, the
word facts come from a table whose row number spaCy's lexemes carry, the rules are numpy
operations over whole arrays, and Python work per token is avoided altogether; per phrase
there is one tuple. See benchmarks/README.md ("Extraction") for the figures.
"""

from __future__ import annotations

import collections
import functools
import itertools
import logging
import multiprocessing
import multiprocessing.pool
import re
from collections import defaultdict
from collections.abc import Iterable, Iterator
from typing import NamedTuple

import numpy as np
import spacy
from spacy.language import Language
from spacy.tokens import Doc

from kundensprache.core.config import CompanyConfig, VocabularyConfig
from kundensprache.extractors.frequency import word_frequencies
from kundensprache.extractors.normalize import (
    canonical_lang,
    content_lemmas,
    lemma_table,
    phrase_key,
    unit_lemmas,
    word_parts,
)
from kundensprache.extractors.spans import (
    CONFIGURED,
    KINDS,
    MAX_NP_UNITS,
    NAME,
    NOUN_PHRASE,
    Found,
    Result,
    SpanFacts,
    configured_spans,
    noun_phrases,
    pattern_spans,
    question_spans,
    select,
)
from kundensprache.extractors.tagging import (
    MAX_WORDS,
    T,
    Units,
    WordInfo,
    blank_pipeline_ok,
    blank_tags,
    trained_tags,
    units,
)

__all__ = [
    "KINDS",
    "Phrase",
    "PhraseExtractor",
    "content_lemmas",
    "mask_placeholders",
    "phrase_key",
]
log = logging.getLogger(__name__)

_SEPARATOR = "\n\n"
# Texts longer than this are processed in pieces (spaCy's own limit is 1,000,000 chars).
MAX_CHARS = 100_000
# Texts are processed in batches of about this many characters: the rules run once per
# batch over all its texts (each ending in a blank line, a boundary no phrase crosses), so
# their fixed cost per call is shared by many texts.
CHUNK_CHARS = 50_000
MAX_BATCH = 10_000  # texts; empty ones add no characters
# Blank path: texts are tokenized in Docs of about this many characters (see _doc_cuts).
DOC_CHARS = 500


# Redaction placeholders ("[NAME]", "[TELEFON]", ...; see ingest.redact) are never words of
# the customer. Masked with dots of the same length, so offsets stay and no phrase spans one.
_PLACEHOLDER = re.compile(r"\[[A-ZÄÖÜ][A-ZÄÖÜ-]*\]")


def mask_placeholders(text: str) -> str:
    if "[" not in text:
        return text
    return _PLACEHOLDER.sub(lambda m: "." * len(m.group()), text)


class Phrase(NamedTuple):
    """One occurrence of a candidate phrase in a text (immutable, compared by value)."""

    key: str  # normalised key, equal to phrase_key(surface, lang)
    surface: str  # the text as written
    kind: str  # one of KINDS
    start: int  # character offsets in the input text
    end: int


# A Phrase from a ready tuple without a Python-level __init__: the blank path makes one per
# phrase, and this is most of the per-phrase cost.
_phrase_from_tuple = functools.partial(tuple.__new__, Phrase)


class PhraseExtractor:
    """Finds candidate phrases; one instance caches pipelines and word facts per language."""

    def __init__(
        self, vocabulary: VocabularyConfig | None = None, company: CompanyConfig | None = None
    ):
        self.vocabulary = vocabulary or VocabularyConfig()
        self.company = company or CompanyConfig()
        self._nlp: dict[str, Language] = {}
        self._paths: dict[str, str] = {}
        self._words: dict[str, WordInfo] = {}
        self._facts: dict[str, SpanFacts] = {}
        self._configured: dict[str, dict[str, list[tuple[tuple[str, ...], int]]]] = {}
        self._lang_codes: dict[str, str] = {}
        self._pools: dict[int, multiprocessing.pool.Pool] = {}
        self._cuttable: dict[str, bool] = {}
        self.brand_terms = [t for t in [*self.company.brand_terms, self.company.name] if t.strip()]

    # --- pipelines ---------------------------------------------------------------------------

    def nlp(self, lang: str) -> Language:
        """The pipeline for a language: the configured trained one if installed, else blank."""
        lang = canonical_lang(lang)
        if lang not in self._nlp:
            name = self.vocabulary.spacy_models.get(lang, "")
            nlp = None
            if name:
                try:
                    nlp = spacy.load(name, exclude=["ner", "textcat", "senter"])
                except OSError:
                    nlp = None  # not installed: the blank path is the documented default
                except Exception as exc:  # noqa: BLE001 - a broken model must not stop a run
                    log.warning(
                        "spaCy pipeline %r for %r unusable (%s); using blank", name, lang, exc
                    )
                    nlp = None
            if nlp is not None and not {"tagger", "morphologizer"} & set(nlp.pipe_names):
                log.warning("spaCy pipeline %r has no POS tagger; using blank", name)
                nlp = None  # a pipeline without POS tags cannot drive the trained rules
            if nlp is None:
                nlp = spacy.blank(lang)
                self._paths[lang] = "blank"
            else:
                self._paths[lang] = f"trained:{name}"
            nlp.max_length = max(nlp.max_length, MAX_CHARS + len(_SEPARATOR) + 1)
            self._nlp[lang] = nlp
        return self._nlp[lang]

    def path(self, lang: str) -> str:
        """``"blank"`` or ``"trained:<package>"``: which path extracts this language."""
        self.nlp(lang)
        return self._paths[canonical_lang(lang)]

    def _word_info(self, lang: str) -> WordInfo:
        info = self._words.get(lang)
        if info is not None and len(info) > MAX_WORDS:
            # Keep memory bounded: the table and the pipeline whose lexemes point into it go.
            for cache in (self._words, self._nlp, self._facts):
                cache.pop(lang, None)
            info = None
        if info is None:
            brand_words = frozenset(
                p.lower() for term in self.brand_terms for p in word_parts(term, lang)
            )
            # Our own people (sales reps) are never a customer topic.
            people = frozenset(
                p.lower() for name in self.company.people for p in word_parts(name, lang)
            )
            # Load the word lists now, not inside the first text's timing.
            lemma_table(lang)
            word_frequencies(lang)
            self.nlp(lang)
            info = self._words[lang] = WordInfo(
                lang, brand_words, people, frozenset(self._configured_index(lang))
            )
        return info

    def _configured_index(self, lang: str) -> dict[str, list[tuple[tuple[str, ...], int]]]:
        """always_keep, jargon and brand terms as lemma sequences, by their first lemma."""
        index = self._configured.get(lang)
        if index is None:
            index = defaultdict(list)
            for kind, terms in (
                (NAME, self.brand_terms),
                (CONFIGURED, [*self.vocabulary.always_keep, *self.vocabulary.jargon]),
            ):
                for term in terms:
                    seq = tuple(lem for chunk in term.split() for lem in unit_lemmas(chunk, lang))
                    if seq:
                        index[seq[0]].append((seq, kind))
            index = self._configured[lang] = dict(index)
        return index

    def _span_facts(self, lang: str) -> SpanFacts:
        facts = self._facts.get(lang)
        if facts is None:
            facts = self._facts[lang] = SpanFacts(lang)
        facts.clear_if_large()
        return facts

    # --- public API --------------------------------------------------------------------------

    def extract(self, text: str, lang: str) -> list[Phrase]:
        """Candidate phrases in one text, sorted by position."""
        return next(self.pipe([(text, lang)]))

    def pipe(
        self, items: Iterable[tuple[str, str]], batch_size: int = 256, n_process: int = 1
    ) -> Iterator[list[Phrase]]:
        """Phrases for each ``(text, lang)`` pair, in order; any language code works.

        Texts are processed in batches of about CHUNK_CHARS characters (the blank path's
        fixed costs are per batch); ``batch_size`` is the trained pipeline's batch size.
        ``n_process > 1`` spreads the batches over that many worker processes: worth it for
        large corpora only (each worker loads its own pipelines and word lists once, in a
        few seconds; the pool stays until :meth:`close`). The output is the same.
        """
        if n_process > 1:
            yield from self._pipe_parallel(items, batch_size, n_process)
            return
        for batch in _batches(items):
            yield from _materialise(batch, self._run(batch, batch_size))

    def _pipe_parallel(
        self, items: Iterable[tuple[str, str]], batch_size: int, n_process: int
    ) -> Iterator[list[Phrase]]:
        pool = self._pools.get(n_process)
        if pool is None:
            context = multiprocessing.get_context("spawn")  # safe in threaded hosts (Prefect)
            pool = self._pools[n_process] = context.Pool(
                n_process, initializer=_init_worker, initargs=(self.vocabulary, self.company)
            )
        window: collections.deque = collections.deque()
        for batch in _batches(items):
            window.append((batch, pool.apply_async(_worker_run, (batch, batch_size))))
            if len(window) > 2 * n_process:  # bounded: a huge corpus is never all in flight
                done, result = window.popleft()
                yield from _materialise(done, result.get())
        while window:
            done, result = window.popleft()
            yield from _materialise(done, result.get())

    def close(self) -> None:
        """Stop the worker processes of ``pipe(..., n_process=N)``, if any."""
        for pool in self._pools.values():
            pool.terminate()
            pool.join()
        self._pools.clear()

    def __enter__(self) -> PhraseExtractor:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _run(self, batch: list[tuple[str, str]], batch_size: int) -> _Compact:
        """The phrases of a batch as arrays (see _Compact)."""
        out = _Compact()
        pieces: dict[str, list[tuple[int, int, str]]] = defaultdict(list)
        langs = self._lang_codes
        for i, (text, lang) in enumerate(batch):
            if not text:
                continue  # nothing to find; its list stays empty
            code = langs.get(lang)
            if code is None:
                code = langs[lang] = canonical_lang(lang)
            if "[" in text:
                text = mask_placeholders(text)
            if len(text) <= MAX_CHARS:
                pieces[code].append((i, 0, text))
            else:
                pieces[code].extend((i, offset, piece) for offset, piece in _split_long(text))
        for lang, todo in pieces.items():
            info = self._word_info(lang)
            facts = self._span_facts(lang)
            nlp = self.nlp(lang)
            if self.path(lang) != "blank":  # a trained tagger's POS tags live on the Doc
                docs = nlp.pipe([piece for _, _, piece in todo], batch_size=batch_size)
                for group in _chunks(todo, 2 * CHUNK_CHARS):
                    tagged = []
                    for piece, doc in zip(group, itertools.islice(docs, len(group)), strict=True):
                        unit = units(*info.orth_rows(doc), piece[2], info)
                        tags = trained_tags(doc, unit, info, lang)
                        tagged.append((unit, tags, _noun_chunk_spans(doc, unit.heads, tags)))
                    unit, tags, chunks, begins = _join_tagged(group, tagged, info)
                    found = self._phrases(unit, tags, info, facts, chunks)
                    items, offsets, _ = zip(*group, strict=True)
                    out.add(found, facts, begins, np.array(items), np.array(offsets) - begins)
                continue
            # Blank path: many texts, one tokenizer pass and one pass of the rules.
            by_rank = blank_pipeline_ok(nlp)
            tokenizer = nlp.tokenizer
            cut_inside = self._cuttable.get(lang)
            if cut_inside is None:
                cut_inside = self._cuttable[lang] = _cuttable(nlp)
            for group in _chunks(todo, 2 * CHUNK_CHARS):  # one group per batch, normally
                items, offsets, texts = zip(*group, strict=True)
                sizes = np.fromiter(map(len, texts), np.int64, len(texts)) + len(_SEPARATOR)
                begins = np.cumsum(sizes) - sizes  # of each text in the joined text
                joined = _SEPARATOR.join(texts) + _SEPARATOR
                if by_rank:
                    cuts = _doc_cuts(joined, begins, sizes, cut_inside)
                    docs = [tokenizer(joined[a:b]) for a, b in itertools.pairwise(cuts)]
                    rows, starts = info.doc_rows(docs, cuts[:-1])
                else:
                    rows, starts = info.orth_rows(tokenizer(joined))
                unit = units(rows, starts, joined, info)
                found = self._phrases(unit, blank_tags(unit.rows, info), info, facts)
                out.add(found, facts, begins, np.array(items), np.array(offsets) - begins)
        return out

    def _phrases(
        self,
        unit: Units,
        tags: np.ndarray,
        info: WordInfo,
        facts: SpanFacts,
        noun_chunks: tuple[list[int], list[int]] | None = None,
    ) -> Result:
        """The phrases among the units of a text, as arrays sorted by position.

        ``noun_chunks``: (starts, ends) of a trained parser's noun chunks, as unit indices.
        """
        lang = info.lang
        found = Found()
        if len(unit.rows):
            flags = info.flags[unit.rows]
            noun_phrases(tags, flags, lang, found)
            pattern_spans(tags.tobytes().decode("ascii"), lang, unit.rows, info, found)
            if noun_chunks is not None:
                found.add(*noun_chunks, NOUN_PHRASE)
            question_spans(tags, flags, unit.rows, info, found)
            index = self._configured_index(lang)
            if index:
                configured_spans(tags, flags, unit.rows, info, index, found)
        return select(*found.arrays(), unit, info, facts)


class _Compact:
    """The phrases of a batch as arrays: item index, offsets in the item's text, kind, and
    the keys as a list of (shared) strings. Cheap to send between processes; turned into
    Phrase tuples by _materialise."""

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


def _materialise(batch: list[tuple[str, str]], found: _Compact) -> list[list[Phrase]]:
    """Phrase tuples per text of the batch, each text's in the order they were found."""
    if not found.parts:
        return [[] for _ in batch]
    item, start, end, kind = found.arrays()
    keys = found.keys
    if len(found.parts) > 1 and (np.diff(item) < 0).any():  # several languages in the batch
        order = np.argsort(item, kind="stable")
        item, start, end, kind = item[order], start[order], end[order], kind[order]
        keys = list(map(keys.__getitem__, order.tolist()))
    texts = [text for text, _ in batch]
    starts, ends = start.tolist(), end.tolist()
    phrases = list(
        map(
            _phrase_from_tuple,
            zip(
                keys,
                map(
                    str.__getitem__, map(texts.__getitem__, item.tolist()), map(slice, starts, ends)
                ),
                map(KINDS.__getitem__, kind.tolist()),
                starts,
                ends,
                strict=True,
            ),
        )
    )
    bounds = np.searchsorted(item, np.arange(len(batch) + 1)).tolist()
    return [phrases[bounds[j] : bounds[j + 1]] for j in range(len(batch))]


def _batches(items: Iterable[tuple[str, str]]) -> Iterator[list[tuple[str, str]]]:
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


# --- worker processes (pipe(..., n_process=N)) ---------------------------------------------

_WORKER: PhraseExtractor | None = None


def _init_worker(vocabulary: VocabularyConfig, company: CompanyConfig) -> None:
    global _WORKER
    _WORKER = PhraseExtractor(vocabulary, company)


def _worker_run(batch: list[tuple[str, str]], batch_size: int) -> _Compact:
    assert _WORKER is not None, "worker not initialised"
    return _WORKER._run(batch, batch_size)


def _join_tagged(group: list[tuple[int, int, str]], tagged: list, info: WordInfo):
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


def _doc_cuts(joined: str, begins: np.ndarray, sizes: np.ndarray, inside: bool) -> list[int]:
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


def _cuttable(nlp: Language) -> bool:
    """Whether cutting a text at whitespace leaves its tokens as they are: not where a
    special case spans words (Spanish "EE. UU.")."""
    return not any(k.strip() and any(c.isspace() for c in k) for k in nlp.tokenizer.rules)


def _noun_chunk_spans(doc: Doc, heads: np.ndarray, tags: np.ndarray):
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


def _chunks(todo: list[tuple[int, int, str]], chars: int) -> Iterator[list[tuple[int, int, str]]]:
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


def _split_long(text: str) -> list[tuple[int, str]]:
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
