"""Candidate phrases from text: noun phrases, compounds, names, questions, verb phrases.

One tokenizer pass per text (``nlp.pipe``), one tag letter per word (see
:mod:`extractors.tagging`), then regular expressions over the tag string find the phrase
shapes searchers type: noun phrases with their adjectives ("automatische Rechnungserstellung",
``A*[NM]+``), two noun phrases joined by a preposition or genitive ("Software für
Handwerker", "Terminplanung der Monteure"), German object + clause-final infinitive
("Angebote als PDF verschicken"), English verb + object ("top up my card"), English noun +
state ("card is not working"), and questions from a fixed list of openers to the end of the
clause ("wie kann ich ...", "is there a ...").

Without a trained pipeline the tags come from word lists and German capitalisation; with one
(``config.vocabulary.spacy_models``) from its POS tags, plus its noun chunks.
"""

from __future__ import annotations

import itertools
import logging
import re
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

import numpy as np
import spacy
from spacy.language import Language
from spacy.tokens import Doc

from extractors.lexicon import QUESTION_OPENERS, SALUTATIONS, WH_WORDS, lemma_set
from extractors.normalize import (
    canonical_lang,
    content_lemmas,
    key_from_lemmas,
    lemma_table,
    phrase_key,
    unit_lemmas,
    word_frequencies,
    word_parts,
)
from extractors.tagging import WordInfo, blank_tags, doc_words, token_table, trained_tags
from kundensprache.config import CompanyConfig, VocabularyConfig

__all__ = ["Phrase", "PhraseExtractor", "content_lemmas", "phrase_key"]
log = logging.getLogger(__name__)

KINDS = ("noun_phrase", "compound", "name", "question", "verb_phrase", "problem", "configured")
# When two rules find the same span, the more specific kind wins.
_KIND_RANK = {k: i for i, k in enumerate(("question", "configured", "name", "compound"))}

_NP = re.compile(r"A*[NM]+")
# What may stand between two noun phrases that form one: "Software für Handwerker",
# "Schnittstelle zu der Buchhaltung", "Terminplanung der Monteure", "fee for the transfer".
_PP_GAPS = {"de": frozenset({"P", "PD", "PG", "G"}), "": frozenset({"P", "PD"})}
# A noun phrase and its state: "card is not working", "payment was declined".
_STATE = {"en": re.compile(r"A*[NM]+X{0,3}[VA]")}
_VP = {
    "en": re.compile(r"VR?D?A*[NM]+(?:PD?A*[NM]+)?|VR"),
    "de": re.compile(r"A*[NM]+(?:(?:P[DG]?|G)A*[NM]+)?V|I[DG]A*[NM]+"),
}
_QUESTION_END_TAGS = frozenset("NMAVR")
MAX_NP_UNITS = 4
MAX_PHRASE_UNITS = 7
MAX_LEMMAS = 5
MAX_QUESTION_UNITS = 14
MAX_QUESTION_LEMMAS = 6
_SEPARATOR = "\n\n"
# Blank path: this many short texts share one token table and one pass of the rules.
GROUP = 64
# Texts longer than this are processed in pieces (spaCy's own limit is 1,000,000 chars).
MAX_CHARS = 100_000


# Redaction placeholders ("[NAME]", "[TELEFON]", ...; see ingest.redact) are never words of
# the customer. Masked with dots of the same length, so offsets stay and no phrase spans one.
_PLACEHOLDER = re.compile(r"\[[A-ZÄÖÜ][A-ZÄÖÜ-]*\]")


def mask_placeholders(text: str) -> str:
    if "[" not in text:
        return text
    return _PLACEHOLDER.sub(lambda m: "." * len(m.group()), text)


@dataclass(frozen=True)
class Phrase:
    """One occurrence of a candidate phrase in a text."""

    key: str  # normalised key, equal to phrase_key(surface, lang)
    surface: str  # the text as written
    kind: str  # one of KINDS
    start: int  # character offsets in the input text
    end: int


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
        self._configured: dict[str, dict[str, list[tuple[tuple[str, ...], str]]]] = {}
        self._span_cache: dict[str, dict[tuple, tuple[str, int, bool]]] = {}
        self._lang_codes: dict[str, str] = {}
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
            nlp.max_length = max(nlp.max_length, MAX_CHARS + 1)
            self._nlp[lang] = nlp
        return self._nlp[lang]

    def path(self, lang: str) -> str:
        """``"blank"`` or ``"trained:<package>"``: which path extracts this language."""
        self.nlp(lang)
        return self._paths[canonical_lang(lang)]

    def _word_info(self, lang: str) -> WordInfo:
        info = self._words.get(lang)
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
            strings = self.nlp(lang).vocab.strings
            info = self._words[lang] = WordInfo(lang, strings, brand_words, people)
        return info

    # --- public API --------------------------------------------------------------------------

    def extract(self, text: str, lang: str) -> list[Phrase]:
        """Candidate phrases in one text, sorted by position."""
        return next(self.pipe([(text, lang)]))

    def pipe(
        self, items: Iterable[tuple[str, str]], batch_size: int = 256
    ) -> Iterator[list[Phrase]]:
        """Phrases for each ``(text, lang)`` pair, in order; any language code works."""
        batch: list[tuple[str, str]] = []
        for item in items:
            batch.append(item)
            if len(batch) >= batch_size:
                yield from self._run(batch, batch_size)
                batch = []
        if batch:
            yield from self._run(batch, batch_size)

    def _run(self, batch: list[tuple[str, str]], batch_size: int) -> list[list[Phrase]]:
        results: list[list[Phrase]] = [[] for _ in batch]
        pieces: dict[str, list[tuple[int, int, str]]] = defaultdict(list)
        langs = self._lang_codes
        for i, (text, lang) in enumerate(batch):
            code = langs.get(lang)
            if code is None:
                code = langs[lang] = canonical_lang(lang)
            text = mask_placeholders(text or "")
            if len(text) <= MAX_CHARS:
                pieces[code].append((i, 0, text))
            else:
                pieces[code].extend((i, offset, piece) for offset, piece in _split_long(text))
        for lang, todo in pieces.items():
            nlp = self.nlp(lang)
            if self.path(lang) != "blank":  # a trained tagger's POS tags live on the Doc
                docs = nlp.pipe([piece for _, _, piece in todo], batch_size=batch_size)
                for (i, offset, piece), doc in zip(todo, docs, strict=True):
                    found = self._phrases(token_table(doc), piece, lang, doc)
                    results[i].extend(
                        Phrase(key, piece[a:b], kind, a + offset, b + offset)
                        for a, b, key, kind in found
                    )
                continue
            # Blank path: the token tables of many short texts are joined and the rules run
            # once per group; per-text Python overhead would otherwise cost more than the rules.
            # Each text ends in a blank line, a boundary token no phrase crosses.
            docs = nlp.pipe([piece + _SEPARATOR for _, _, piece in todo], batch_size=batch_size)
            pairs = zip(todo, docs, strict=True)
            while group := list(itertools.islice(pairs, GROUP)):
                joined, starts, table = _join_tables(group)
                j, n = 0, len(starts)
                for a, b, key, kind in self._phrases(table, joined, lang, None):
                    while j + 1 < n and starts[j + 1] <= a:
                        j += 1
                    i, offset, _ = group[j][0]
                    shift = offset - starts[j]
                    results[i].append(Phrase(key, joined[a:b], kind, a + shift, b + shift))
        return results

    # --- rules -------------------------------------------------------------------------------

    def _phrases(
        self, table: np.ndarray, text: str, lang: str, doc: Doc | None
    ) -> list[tuple[int, int, str, str]]:
        """(start, end, key, kind) of the phrases in a token table, sorted by position.

        ``doc`` is the Doc of a trained pipeline (its tags); None on the blank path.
        """
        words, starts, ends, heads = doc_words(table, text, self._word_info(lang))
        if not words:
            return []
        trained = doc is not None
        tags = trained_tags(doc, words, heads, lang) if trained else blank_tags(words, lang)
        tagstr = "".join(tags)
        spans: list[tuple[int, int, str]] = []
        add = spans.append

        nps = [m.span() for m in _NP.finditer(tagstr)]
        german = lang == "de"
        for a, b in nps:
            core = a
            while tagstr[core] == "A":
                core += 1
            if b - a <= MAX_NP_UNITS:
                add((a, b, _np_kind(tagstr, words, a, b)))
            if core > a and b - core <= MAX_NP_UNITS:
                add((core, b, _np_kind(tagstr, words, core, b)))
            if b - core > 1:
                if german:  # "Kunden Wartungsberichte": two nouns, rarely one phrase
                    for k in range(core, b):
                        add((k, k + 1, _np_kind(tagstr, words, k, k + 1)))
                else:  # names inside a longer phrase: "Salesforce" in "Salesforce sync"
                    for n in re.finditer("M+", tagstr[core:b]):
                        add((core + n.start(), core + n.end(), "name"))
        gaps = _PP_GAPS.get(lang, _PP_GAPS[""])
        for (a, b), (c, d) in zip(nps, nps[1:], strict=False):
            if d - a <= MAX_PHRASE_UNITS and tagstr[b:c] in gaps:
                add((a, d, "noun_phrase"))
        vp = _VP.get(lang)
        if vp is not None:
            for m in vp.finditer(tagstr):
                a, b = m.span()
                if b - a <= MAX_PHRASE_UNITS:
                    add((a, b, "verb_phrase"))
        state = _STATE.get(lang)
        if state is not None:
            for m in state.finditer(tagstr):
                a, b = m.span()
                # "card is not working", "transfer failed"; not "card work", "funds come"
                if b - a <= MAX_PHRASE_UNITS and ("X" in m.group() or words[b - 1].bits & 16):
                    add((a, b, "problem"))
        if trained:
            spans.extend(_noun_chunk_spans(doc, heads, tagstr))
        spans.extend(self._question_spans(words, tagstr, lang))
        spans.extend(self._configured_spans(words, tagstr, lang))
        return self._to_phrases(text, spans, words, starts, ends, lang)

    def _question_spans(self, words, tagstr: str, lang: str) -> list[tuple[int, int, str]]:
        openers = _opener_index(lang)
        if not openers:
            return []
        n = len(words)
        found = []
        k = 0
        while k < n:  # clause starts only: the first word and each word after a boundary
            for opener in openers.get(words[k].lower, ()):
                size = len(opener)
                if tuple(w.lower for w in words[k : k + size]) != opener:
                    continue
                end = tagstr.find("B", k)
                end = n if end < 0 else end
                while end > k + size and tagstr[end - 1] not in _QUESTION_END_TAGS:
                    end -= 1
                if end - k <= MAX_QUESTION_UNITS and end > k:
                    found.append((k, end, "question"))
                break
            k = tagstr.find("B", k) + 1
            if k <= 0:
                break
            while k < n and tagstr[k] == "B":
                k += 1
        return found

    def _configured_spans(self, words, tagstr: str, lang: str) -> list[tuple[int, int, str]]:
        """Occurrences of always_keep, jargon and brand terms, even where no rule fits."""
        index = self._configured.get(lang)
        if index is None:
            index = defaultdict(list)
            for kind, terms in (
                ("name", self.brand_terms),
                ("configured", [*self.vocabulary.always_keep, *self.vocabulary.jargon]),
            ):
                for term in terms:
                    seq = tuple(lem for chunk in term.split() for lem in unit_lemmas(chunk, lang))
                    if seq:
                        index[seq[0]].append((seq, kind))
            self._configured[lang] = index
        if not index:
            return []
        flat = [(lem, k) for k, w in enumerate(words) for lem in w.lemmas]
        found = []
        for i, (lem, k) in enumerate(flat):
            for seq, kind in index.get(lem, ()):
                if tuple(x for x, _ in flat[i : i + len(seq)]) == seq:
                    end = flat[i + len(seq) - 1][1] + 1
                    if "B" not in tagstr[k:end]:  # never across texts or sentences
                        found.append((k, end, kind))
        return found

    def _span_facts(self, ws: tuple, lang: str) -> tuple[str, int, bool]:
        """(key, number of content lemmas, small talk?) for a word sequence; cached."""
        lemmas = {lem for w in ws for lem in w.lemmas}
        content = lemmas - WH_WORDS.get(lang, frozenset())
        calendar = lemma_set("calendar", lang)
        chatter = (
            not content
            or content <= lemma_set("small_talk", lang)
            or not SALUTATIONS.isdisjoint(lemmas)
            # "nächste Woche", "Termin am Montag", "next week works"
            or not calendar.isdisjoint(ws[0].lemmas)
            or not calendar.isdisjoint(ws[-1].lemmas)
            or (len(content) == 1 and (len(min(content)) < 2 or min(content).isdigit()))
        )
        return key_from_lemmas(lemmas), len(content), chatter

    def _to_phrases(self, text, spans, words, starts, ends, lang) -> list:
        cache = self._span_cache.setdefault(lang, {})
        if len(cache) > 500_000:
            cache.clear()
        facts_for = self._span_facts
        best: dict[tuple[int, int], tuple[str, str]] = {}
        for a, b, kind in spans:
            ws = tuple(words[a:b])
            facts = cache.get(ws)
            if facts is None:
                facts = cache[ws] = facts_for(ws, lang)
            key, n_content, chatter = facts
            if not n_content or chatter and kind != "configured":
                continue
            if n_content > (MAX_QUESTION_LEMMAS if kind == "question" else MAX_LEMMAS):
                continue
            current = best.get((a, b))
            if current is None or _KIND_RANK.get(kind, 9) < _KIND_RANK.get(current[1], 9):
                best[(a, b)] = (key, kind)
        by_key: dict[str, list[tuple[tuple[int, int], str]]] = {}
        for span, (key, kind) in best.items():
            found = by_key.get(key)
            if found is None:
                by_key[key] = [(span, kind)]
            else:
                found.append((span, kind))
        out = []
        for key, found in by_key.items():
            if len(found) > 1:
                found = _shortest_per_place(found)
            for (a, b), kind in found:
                out.append((starts[a], ends[b - 1], key, kind))
        out.sort()
        return out


def _shortest_per_place(found: list[tuple[tuple[int, int], str]]) -> list:
    """Of overlapping spans with one key keep the shortest: "gibt es eine Schnittstelle zu
    DATEV" and "Schnittstelle zu DATEV" are one mention, the phrase is the short form."""
    found.sort()
    kept = []
    cluster = [found[0]]
    reach = found[0][0][1]
    for item in found[1:]:
        if item[0][0] < reach:
            cluster.append(item)
            reach = max(reach, item[0][1])
            continue
        kept.extend(_greedy_shortest(cluster))
        cluster, reach = [item], item[0][1]
    kept.extend(_greedy_shortest(cluster))
    return kept


def _greedy_shortest(cluster: list) -> list:
    if len(cluster) == 1:
        return cluster
    cluster.sort(key=lambda x: (x[0][1] - x[0][0], x[0]))
    kept: list = []
    for (a, b), kind in cluster:
        if not any(a < tb and ta < b for (ta, tb), _ in kept):
            kept.append(((a, b), kind))
    return kept


def _np_kind(tagstr: str, words, a: int, b: int) -> str:
    if tagstr[a:b].strip("M") == "":
        return "name"
    if b - a == 1 and words[a].compound:
        return "compound"
    return "noun_phrase"


def _noun_chunk_spans(doc: Doc, heads: list[int], tagstr: str) -> list[tuple[int, int, str]]:
    """The trained parser's noun chunks, trimmed to their adjective + noun core."""
    if not doc.has_annotation("DEP"):
        return []
    unit_of_token = []
    for u, head in enumerate(heads):
        unit_of_token.extend([u] * (head + 1 - len(unit_of_token)))
    found = []
    for chunk in doc.noun_chunks:
        a = unit_of_token[chunk.start]
        b = unit_of_token[chunk.end - 1] + 1
        while a < b and tagstr[a] not in "ANM":
            a += 1
        while b > a and tagstr[b - 1] not in "NM":
            b -= 1
        if a < b and b - a <= MAX_NP_UNITS:
            found.append((a, b, "noun_phrase"))
    return found


_OPENER_CACHE: dict[str, dict[str, list[tuple[str, ...]]]] = {}


def _opener_index(lang: str) -> dict[str, list[tuple[str, ...]]]:
    index = _OPENER_CACHE.get(lang)
    if index is None:
        index = defaultdict(list)
        for opener in sorted(set(QUESTION_OPENERS.get(lang, ())), key=lambda o: -len(o)):
            words = tuple(opener.split())
            index[words[0]].append(words)
        _OPENER_CACHE[lang] = index = dict(index)
    return index


def _join_tables(group: list) -> tuple[str, list[int], np.ndarray]:
    """One text and one token table for many ((item, offset, text), Doc) pairs."""
    tables = [token_table(doc) for _, doc in group]
    sizes = [len(piece) + len(_SEPARATOR) for (_, _, piece), _ in group]
    starts = list(itertools.accumulate(sizes, initial=0))[:-1]
    table = np.concatenate(tables)
    table[:, 1] += np.repeat(np.asarray(starts, dtype=np.uint64), [len(t) for t in tables])
    joined = "".join(piece + _SEPARATOR for (_, _, piece), _ in group)
    return joined, starts, table


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
