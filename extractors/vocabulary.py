"""Customer vocabulary of a report window: phrases counted over documents, scored, filtered.

Only customer words count: segments with role ``customer`` (weight 1.0) and ``unknown``
(a rep's note about the customer, weight ``paraphrase_weight``); ``rep`` segments never.
The result is deterministic: the same documents in any order give the same terms.

Two steps: each document is extracted into a per-document record (``extractors.records``;
the monthly flow stores these, so an unchanged document is never extracted twice), then
:func:`aggregate` folds the records of the window into per-phrase counts and ranks them.
"""

from __future__ import annotations

import re
from array import array
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date

import numpy as np

from kundensprache.core.config import Config
from kundensprache.core.models import Document, Term
from kundensprache.core.months import Month
from kundensprache.extractors import scoring
from kundensprache.extractors.lexicon import WH_WORDS
from kundensprache.extractors.normalize import canonical_lang, content_lemmas, word_parts
from kundensprache.extractors.phrases import PhraseExtractor
from kundensprache.extractors.places import is_town
from kundensprache.extractors.ranking import (
    CompanyNames,
    everyday_verb_fragment,
    has_legal_form,
    rerank,
)
from kundensprache.extractors.records import (
    DocRecord,
    extract_records,
    sentence_around,
    sentence_bounds,
)

EXAMPLE_MAX_CHARS = 160
# A sentence of at least TEMPLATE_MIN_WORDS (records.py) words repeated verbatim in this many
# documents is a template (signature, disclaimer, form text), not something a customer said.
TEMPLATE_MIN_DOCS = 3
# One account using a phrase in this share of its (at least 3) documents, nobody else: boilerplate.
ACCOUNT_BOILERPLATE_SHARE = 0.6
ACCOUNT_BOILERPLATE_MIN_DOCS = 3
# A phrase with this share of its mentions inside one longer candidate is dropped for it.
NESTED_SHARE = 0.8
_SENTENCE_END = re.compile(r"[.!?\n]+")
_SHORT_CODE_CHARS = re.compile(r"[\W_]+")
_VERSION = re.compile(r"[vV]\d+(?:\.\d+)*")  # a document's version: "v2", "v1.3"
_ROLE_WEIGHT_CUSTOMER = 1.0


@dataclass(frozen=True)
class DocInfo:
    """A document's metadata, joined to its record when aggregating (never stored in it)."""

    doc_id: str
    source: str
    account: str | None
    date: date | None
    language: str

    @classmethod
    def of(cls, doc: Document) -> DocInfo:
        return cls(doc.doc_id, doc.source, doc.account, doc.date, doc.language)


# (info, record) pairs sorted by doc_id, called once per pass over the window; with
# ``phrases=False`` the records may leave out their phrases (the first pass needs none).
RecordStream = Callable[..., Iterable[tuple[DocInfo, DocRecord]]]
# (doc_id, segment index) pairs -> their texts, for the quoted examples of the final terms.
SegmentTexts = Callable[[list[tuple[str, int]]], dict[tuple[str, int], str]]


class _Counts:
    """Everything counted for one (language, key), compact: a large month has millions."""

    __slots__ = (
        "mentions", "surfaces", "docs", "doc_weights", "accounts", "sources", "monthly",
        "first", "last", "templated", "inside", "kinds", "example_rank", "example",
    )  # fmt: skip

    def __init__(self) -> None:
        self.mentions = 0
        self.surfaces: dict[str, int] = {}
        self.docs = array("I")  # document indices, in doc_id order
        self.doc_weights = array("d")  # the document's weight (its best role), same order
        self.accounts: dict[str, float] = {}  # account -> max weight
        self.sources: dict[str, int] = {}
        self.monthly: dict[str, int] = {}
        self.first: date | None = None
        self.last: date | None = None
        self.templated = 0  # mentions inside template sentences
        self.inside: dict[str, int] = {}  # longer key -> mentions inside it
        self.kinds: dict[str, int] = {}
        # (role rank, -date ordinal, doc_id, start): smallest is the example to quote.
        self.example_rank: tuple = ()
        self.example: tuple[int, int, int, int] = (0, 0, 0, 0)  # doc index, segment, start, end


def build_vocabulary(
    documents: Iterable[Document],
    *,
    config: Config,
    report_month: str,
    extractor: PhraseExtractor | None = None,
    website_texts: Iterable[tuple[str, str]] = (),
) -> list[Term]:
    """Candidate keywords from the documents of the report window, best first.

    ``documents`` are already limited to the rolling window. ``website_texts`` are
    ``(text, lang)`` pairs of the company's own site; when given, terms the site never uses
    get the flag ``not_on_website``.
    """
    docs = sorted(documents, key=lambda d: d.doc_id)
    extractor = extractor or PhraseExtractor(config.vocabulary, config.company)
    records = extract_records(docs, extractor, config.vocabulary)
    pairs = [(DocInfo.of(d), r) for d, r in zip(docs, records, strict=True)]
    by_id = {d.doc_id: d for d in docs}

    def texts(wanted: list[tuple[str, int]]) -> dict[tuple[str, int], str]:
        return {(d, i): by_id[d].segments[i].text for d, i in wanted}

    return aggregate(
        lambda phrases=True: pairs,
        config=config,
        report_month=report_month,
        segment_texts=texts,
        documents=lambda: sorted(docs, key=lambda d: (d.date or date.min, d.doc_id)),
        website_texts=website_texts,
    )


class _Window:
    """The window's documents as counted in the first pass: ids, dates, template sentences."""

    def __init__(self, stream: RecordStream):
        self.doc_ids: list[str] = []
        self.account_docs: Counter = Counter()  # account -> documents with customer text
        hashes = array("Q")
        for info, rec in stream(phrases=False):
            if rec.has_text:
                self.account_docs[_account(info)] += 1
            hashes.extend(rec.sentences)
        values, counts = np.unique(np.frombuffer(hashes, dtype=np.uint64), return_counts=True)
        self.templated = set(values[counts >= TEMPLATE_MIN_DOCS].tolist())


def _account(info: DocInfo) -> str:
    return info.account or f"doc:{info.doc_id}"


def count_records(
    stream: RecordStream, paraphrase_weight: float
) -> tuple[dict[tuple[str, str], _Counts], _Window, list[DocInfo]]:
    """Fold the window's records into per-(language, key) counts (two passes, streaming)."""
    window = _Window(stream)
    counts: dict[tuple[str, str], _Counts] = {}
    infos: list[DocInfo] = []
    for index, (info, rec) in enumerate(stream()):
        infos.append(info)
        _add_document(counts, index, info, rec, window.templated, paraphrase_weight)
    return counts, window, infos


def _add_document(counts, index, info, rec, templated, paraphrase_weight) -> None:
    """Fold one document's record into the counts (the hot loop of a month's aggregation)."""
    account = _account(info)
    lang = info.language or "und"
    day = info.date
    month = day.strftime("%Y-%m") if day else None
    ordinal = -(day.toordinal() if day else 0)
    is_template = [h in templated for h in rec.sentences] if templated else None
    source = info.source
    for p in rec.phrases:
        c = counts.get((lang, p.key))
        if c is None:
            c = counts[(lang, p.key)] = _Counts()
        roles = p.roles
        n = sum(roles.values())
        if "unknown" in roles:
            weight = (
                max(_ROLE_WEIGHT_CUSTOMER, paraphrase_weight)
                if "customer" in roles
                else paraphrase_weight
            )
        else:
            weight = _ROLE_WEIGHT_CUSTOMER
        c.mentions += n
        surfaces = c.surfaces
        for s, k in p.surfaces.items():
            surfaces[s] = surfaces.get(s, 0) + k
        c.docs.append(index)
        c.doc_weights.append(weight)
        accounts = c.accounts
        if accounts.get(account, -1.0) < weight:
            accounts[account] = weight
        c.sources[source] = c.sources.get(source, 0) + n
        if month:
            c.monthly[month] = c.monthly.get(month, 0) + n
            if c.first is None or day < c.first:
                c.first = day
            if c.last is None or day > c.last:
                c.last = day
        if is_template is not None and p.sentences:
            c.templated += sum(k for sid, k in p.sentences.items() if is_template[sid])
        rank_role, seg, start, end = p.example
        rank = (rank_role, ordinal, info.doc_id, start)
        if not c.example_rank or rank < c.example_rank:
            c.example_rank = rank
            c.example = (index, seg, start, end)
        if p.inside:
            inside = c.inside
            for key, k in p.inside.items():
                inside[key] = inside.get(key, 0) + k
        kinds = c.kinds
        for kind, k in p.kinds.items():
            kinds[kind] = kinds.get(kind, 0) + k


def aggregate(
    stream: RecordStream,
    *,
    config: Config,
    report_month: str,
    segment_texts: SegmentTexts,
    documents: Callable[[], Iterable[Document]],
    website_texts: Iterable[tuple[str, str]] = (),
) -> list[Term]:
    """Rank the phrases of the window's per-document records; see :func:`build_vocabulary`.

    ``stream`` yields ``(DocInfo, DocRecord)`` sorted by doc_id and is read twice;
    ``segment_texts`` supplies the texts quoted as examples, for the final terms only;
    ``documents`` the window's documents in date order (read by the corpus-level reranking).
    """
    vocab = config.vocabulary
    counts, window, infos = count_records(stream, vocab.paraphrase_weight)
    website = list(website_texts)  # may be a generator: an empty one must flag nothing
    rank = _Ranking(
        config,
        Month.parse(report_month).last_day,
        counts,
        window,
        infos,
        _WebsiteIndex(website) if website else None,
    )
    scored = [s for (lang, key), c in counts.items() if (s := _score(rank, lang, key, c))]

    counted = {id(t): c for t, _, c in scored}
    reranked = rerank([(t, keep) for t, keep, _ in scored], documents())
    scored = [(t, keep, counted[id(t)]) for t, keep in reranked]
    # always_keep terms are guaranteed a place; the rest fill up to max_candidates.
    scored.sort(key=lambda tk: (-tk[0].relevance, tk[0].key, tk[0].language))
    kept = [tc for tc in scored if tc[1]]
    others = [tc for tc in scored if not tc[1]][: max(0, vocab.max_candidates - len(kept))]
    final = sorted(kept + others, key=lambda tc: (-tc[0].relevance, tc[0].key, tc[0].language))
    _fill_examples_and_docs(final, infos, segment_texts)
    return [t for t, _, _ in final]


@dataclass
class _Ranking:
    """What scoring one counted phrase needs to know about the whole window."""

    config: Config
    report_end: date
    counts: dict[tuple[str, str], _Counts]
    window: _Window
    infos: list[DocInfo]
    on_site: _WebsiteIndex | None

    def __post_init__(self) -> None:
        self.lists = _ConfiguredLists(self.config)
        self.companies = CompanyNames(i.account for i in self.infos if i.account)


def _score(r: _Ranking, lang: str, key: str, c: _Counts) -> tuple[Term, bool, _Counts] | None:
    """The phrase as a scored Term and whether it is always kept; None when filtered out."""
    vocab, lists = r.config.vocabulary, r.lists
    code = canonical_lang(lang)
    lemmas = frozenset(key.split())
    keep = lists.matches(lists.keep, code, key, lemmas, exact=True)
    if lists.matches(lists.drop, code, key, lemmas, exact=True) and not keep:
        return None
    if len(c.docs) < vocab.min_documents and not keep:
        return None
    if not keep and _nested(c, lang, r.counts, vocab.min_documents):
        return None
    keyword = min(c.surfaces.items(), key=lambda kv: (-kv[1], kv[0]))[0]
    if not keep and (has_legal_form(lemmas) or _verb_fragment(c, keyword, code)):
        return None
    if not keep and r.companies.named(keyword, code):
        return None
    flags = []
    brand = lists.matches(lists.brand, code, key, lemmas, exact=False)
    jargon = lists.matches(lists.jargon, code, key, lemmas, exact=False)
    if brand:
        flags.append("brand")
    if jargon:
        flags.append("jargon")
    n_lemmas = len(lemmas - WH_WORDS.get(code, frozenset()))
    words = _surface_words(keyword, code)
    if n_lemmas == 1 and not (keep or brand) and _no_keyword_alone(keyword, words, code):
        return None
    boilerplate = _boilerplate(c, r.window.account_docs)
    if boilerplate >= 0.5:
        flags.append("boilerplate")
    if r.on_site is not None and not r.on_site.contains(lemmas):
        flags.append("not_on_website")
    rec = sum(scoring.recency(r.infos[i].date, r.report_end) for i in c.docs) / len(c.docs)
    specific = 1.0 if keep else scoring.specificity(words, code)
    relevance = scoring.relevance(
        account_weight=sum(c.accounts.values()),
        document_weight=sum(c.doc_weights),
        specificity=specific,
        n_lemmas=n_lemmas,
        boilerplate=boilerplate,
        recency=rec,
        jargon=jargon,
    )
    term = _term(c, key, keyword, lang, relevance, flags, specific)
    return term, keep, c


def _term(c: _Counts, key, keyword, lang, relevance, flags, specific) -> Term:
    """The Term of counted phrase; its example and doc_ids come once the list is final."""
    return Term(
        key=key,
        keyword=keyword,
        language=lang,
        mentions=c.mentions,
        documents=len(c.docs),
        accounts=len(c.accounts),
        sources=dict(sorted(c.sources.items())),
        first_seen=c.first,
        last_seen=c.last,
        monthly=dict(sorted(c.monthly.items())),
        example="",
        relevance=relevance,
        doc_ids=[],
        flags=flags,
        specificity=round(specific, 4),
    )


def _fill_examples_and_docs(final, infos: list[DocInfo], segment_texts: SegmentTexts) -> None:
    """The quoted example and the document ids, for the terms that made the list only."""
    wanted = sorted({(infos[c.example[0]].doc_id, c.example[1]) for _, _, c in final})
    texts = segment_texts(wanted)
    for term, _, c in final:
        index, seg, start, end = c.example
        term.example = _example(texts[(infos[index].doc_id, seg)], start, end)
        term.doc_ids = sorted(infos[i].doc_id for i in c.docs)


def _nested(c: _Counts, lang: str, counts: dict, min_documents: int) -> bool:
    """A phrase said almost only as part of one longer candidate is that candidate's part:
    "Angebote als PDF" inside "Angebote als PDF verschicken". Names stand on their own
    ("DATEV" inside "Schnittstelle zu DATEV")."""
    if c.kinds.get("name", 0) * 2 >= c.mentions:
        return False
    code = canonical_lang(lang)
    for outer, n in c.inside.items():
        if n >= NESTED_SHARE * c.mentions:
            longer = counts.get((lang, outer))
            if longer is None or len(longer.docs) < min_documents:
                continue
            surface = min(longer.surfaces.items(), key=lambda kv: (-kv[1], kv[0]))[0]
            if not _verb_fragment(longer, surface, code):  # the fragment goes, not its noun
                return True
    return False


def _verb_fragment(c: _Counts, keyword: str, lang: str) -> bool:
    kind = min(c.kinds.items(), key=lambda kv: (-kv[1], kv[0]))[0] if c.kinds else ""
    return everyday_verb_fragment(keyword, kind, lang)


def _boilerplate(c: _Counts, account_docs: Counter) -> float:
    """Share of template mentions, or 1.0 when one account alone repeats the phrase."""
    share = c.templated / max(1, c.mentions)
    if len(c.accounts) == 1:
        (account,) = c.accounts
        total = account_docs[account]
        if (
            total >= ACCOUNT_BOILERPLATE_MIN_DOCS
            and len(c.docs) / total >= ACCOUNT_BOILERPLATE_SHARE
        ):
            share = 1.0
    return share


def _no_keyword_alone(keyword: str, words: list[str], lang: str) -> bool:
    """A one-word candidate nobody would search for on its own: an everyday word ("Preis",
    "Problem", "card"), a note-taker's short code ("MA", "WV", "v2", "m²") or a town
    ("Husum", "Utrecht": where the customer sits). In a longer phrase they stay."""
    if scoring.is_everyday_word(words, lang):
        return True
    if len(_SHORT_CODE_CHARS.sub("", keyword)) <= 2 or _VERSION.fullmatch(keyword):
        return True
    return len(words) == 1 and is_town(keyword.strip())


def _surface_words(keyword: str, lang: str) -> list[str]:
    return [w.lower() for w in word_parts(keyword, lang)]


def _example(text: str, start: int, end: int) -> str:
    """The sentence around a mention, cut to EXAMPLE_MAX_CHARS around the phrase."""
    if not text:
        return ""
    lo, hi = sentence_around(sentence_bounds(text), start, len(text))
    while lo < start and text[lo].isspace():
        lo += 1
    while hi > end and text[hi - 1].isspace():
        hi -= 1
    if hi - lo <= EXAMPLE_MAX_CHARS:
        return " ".join(text[lo:hi].split())
    budget = EXAMPLE_MAX_CHARS - 2  # room for the two ellipses
    if end - start >= budget:
        return " ".join(text[start:end].split())[:EXAMPLE_MAX_CHARS]
    left = max(lo, start - (budget - (end - start)) // 2)
    right = min(hi, left + budget)
    left = max(lo, right - budget)
    snippet = text[left:right]
    if left > lo:  # drop the cut word at the left edge
        space = snippet.find(" ", 0, start - left)
        snippet = "…" + (snippet[space + 1 :] if space >= 0 else snippet)
    if right < hi:
        space = snippet.rfind(" ", len(snippet) - (right - end))
        snippet = (snippet[:space] if space >= 0 else snippet) + "…"
    return " ".join(snippet.split())


class _ConfiguredLists:
    """always_keep / always_drop / jargon / brand terms as per-language lemma sets."""

    def __init__(self, config: Config):
        self.keep = config.vocabulary.always_keep
        self.drop = config.vocabulary.always_drop
        self.jargon = config.vocabulary.jargon
        company = config.company
        self.brand = [t for t in [*company.brand_terms, company.name] if t.strip()]
        self._cache: dict[tuple[int, str], list[frozenset[str]]] = {}

    def _sets(self, terms: list[str], lang: str) -> list[frozenset[str]]:
        key = (id(terms), lang)
        if key not in self._cache:
            sets = [frozenset(content_lemmas(t, lang)) for t in terms]
            self._cache[key] = [s for s in sets if s]
        return self._cache[key]

    def matches(self, terms, lang: str, key: str, lemmas: frozenset[str], *, exact: bool) -> bool:
        """exact: the term's key equals a listed term's; else a listed term is contained."""
        for s in self._sets(terms, lang):
            if (s == lemmas) if exact else (s <= lemmas):
                return True
        return False


class _WebsiteIndex:
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
