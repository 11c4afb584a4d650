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

from kundensprache.core.config import CompanyConfig, VocabularyConfig
from kundensprache.extractors.batching import (
    _SEPARATOR,
    CHUNK_CHARS,
    MAX_CHARS,
    Compact,
    batches,
    cuttable,
    doc_cuts,
    join_tagged,
    noun_chunk_spans,
    split_long,
)
from kundensprache.extractors.batching import (
    chunks as piece_groups,
)
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
from kundensprache.extractors.tag_rules import blank_pipeline_ok, blank_tags, trained_tags
from kundensprache.extractors.tagging import (
    MAX_WORDS,
    Units,
    WordInfo,
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
        for batch in batches(items):
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
        for batch in batches(items):
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

    def _run(self, batch: list[tuple[str, str]], batch_size: int) -> Compact:
        """The phrases of a batch as arrays (see Compact)."""
        out = Compact()
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
                pieces[code].extend((i, offset, piece) for offset, piece in split_long(text))
        for lang, todo in pieces.items():
            info = self._word_info(lang)
            facts = self._span_facts(lang)
            nlp = self.nlp(lang)
            if self.path(lang) != "blank":  # a trained tagger's POS tags live on the Doc
                docs = nlp.pipe([piece for _, _, piece in todo], batch_size=batch_size)
                for group in piece_groups(todo, 2 * CHUNK_CHARS):
                    tagged = []
                    for piece, doc in zip(group, itertools.islice(docs, len(group)), strict=True):
                        unit = units(*info.orth_rows(doc), piece[2], info)
                        tags = trained_tags(doc, unit, info, lang)
                        tagged.append((unit, tags, noun_chunk_spans(doc, unit.heads, tags)))
                    unit, tags, chunks, begins = join_tagged(group, tagged, info)
                    found = self._phrases(unit, tags, info, facts, chunks)
                    items, offsets, _ = zip(*group, strict=True)
                    out.add(found, facts, begins, np.array(items), np.array(offsets) - begins)
                continue
            # Blank path: many texts, one tokenizer pass and one pass of the rules.
            by_rank = blank_pipeline_ok(nlp)
            tokenizer = nlp.tokenizer
            cut_inside = self._cuttable.get(lang)
            if cut_inside is None:
                cut_inside = self._cuttable[lang] = cuttable(nlp)
            for group in piece_groups(todo, 2 * CHUNK_CHARS):  # one group per batch, normally
                items, offsets, texts = zip(*group, strict=True)
                sizes = np.fromiter(map(len, texts), np.int64, len(texts)) + len(_SEPARATOR)
                begins = np.cumsum(sizes) - sizes  # of each text in the joined text
                joined = _SEPARATOR.join(texts) + _SEPARATOR
                if by_rank:
                    cuts = doc_cuts(joined, begins, sizes, cut_inside)
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


def _materialise(batch: list[tuple[str, str]], found: Compact) -> list[list[Phrase]]:
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


# --- worker processes (pipe(..., n_process=N)) ---------------------------------------------

_WORKER: PhraseExtractor | None = None


def _init_worker(vocabulary: VocabularyConfig, company: CompanyConfig) -> None:
    global _WORKER
    _WORKER = PhraseExtractor(vocabulary, company)


def _worker_run(batch: list[tuple[str, str]], batch_size: int) -> Compact:
    assert _WORKER is not None, "worker not initialised"
    return _WORKER._run(batch, batch_size)
