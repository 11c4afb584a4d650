"""Customer vocabulary of a report window: phrases counted over documents, scored, filtered.

Only customer words count: segments with role ``customer`` (weight 1.0) and ``unknown``
(a rep's note about the customer, weight ``paraphrase_weight``); ``rep`` segments never.
The result is deterministic: the same documents in any order give the same terms.
"""

from __future__ import annotations

import bisect
import calendar
import re
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date

from kundensprache.core.config import Config
from kundensprache.core.models import Document, Term
from kundensprache.extractors import scoring
from kundensprache.extractors.lexicon import WH_WORDS
from kundensprache.extractors.normalize import canonical_lang, content_lemmas, word_parts
from kundensprache.extractors.phrases import PhraseExtractor
from kundensprache.extractors.places import is_town
from kundensprache.extractors.ranking import everyday_verb_fragment, has_legal_form, rerank

EXAMPLE_MAX_CHARS = 160
# A sentence of at least this many words repeated verbatim in this many documents is a
# template (signature, disclaimer, form text), not something a customer said.
TEMPLATE_MIN_WORDS = 6
TEMPLATE_MIN_DOCS = 3
# One account using a phrase in this share of its (at least 3) documents, nobody else: boilerplate.
ACCOUNT_BOILERPLATE_SHARE = 0.6
ACCOUNT_BOILERPLATE_MIN_DOCS = 3
# A phrase with this share of its mentions inside one longer candidate is dropped for it.
NESTED_SHARE = 0.8
NESTED_WINDOW = 200  # characters: the longest phrase a rule can produce is far shorter
_SENTENCE_END = re.compile(r"[.!?\n]+")
_SHORT_CODE_CHARS = re.compile(r"[\W_]+")
_VERSION = re.compile(r"[vV]\d+(?:\.\d+)*")  # a document's version: "v2", "v1.3"
_ROLE_WEIGHT_CUSTOMER = 1.0


@dataclass
class _Counts:
    """Everything counted for one (language, key)."""

    mentions: int = 0
    surfaces: Counter = field(default_factory=Counter)
    docs: dict[str, float] = field(default_factory=dict)  # doc_id -> max weight
    accounts: dict[str, float] = field(default_factory=dict)  # account -> max weight
    account_docs: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))
    sources: Counter = field(default_factory=Counter)
    monthly: Counter = field(default_factory=Counter)
    dates: set[date] = field(default_factory=set)
    doc_dates: dict[str, date | None] = field(default_factory=dict)
    sentences: Counter = field(default_factory=Counter)  # sentence id -> mentions
    inside: Counter = field(default_factory=Counter)  # longer key -> mentions inside it
    kinds: Counter = field(default_factory=Counter)
    # (role rank, -date ordinal, doc_id, start): smallest is the example to quote.
    example_rank: tuple = ()
    example: tuple[str, int, int] = ("", 0, 0)


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
    vocab = config.vocabulary
    report_end = _month_end(report_month)
    extractor = extractor or PhraseExtractor(vocab, config.company)

    docs = sorted(documents, key=lambda d: d.doc_id)
    segments: list[tuple[Document, str, float, str]] = []
    for doc in docs:
        for seg in doc.segments:
            if seg.role == "rep" or not seg.text.strip():
                continue
            weight = _ROLE_WEIGHT_CUSTOMER if seg.role == "customer" else vocab.paraphrase_weight
            if weight > 0:
                segments.append((doc, seg.role, weight, seg.text))

    counts: dict[tuple[str, str], _Counts] = {}
    account_doc_totals: Counter = Counter()
    seen_docs: set[str] = set()
    sentence_ids: dict[str, int] = {}
    sentence_docs: dict[int, set[str]] = defaultdict(set)
    items = ((text, doc.language) for doc, _, _, text in segments)
    for (doc, role, weight, text), phrases in zip(segments, extractor.pipe(items), strict=True):
        account = doc.account or f"doc:{doc.doc_id}"
        if doc.doc_id not in seen_docs:
            seen_docs.add(doc.doc_id)
            account_doc_totals[account] += 1
        lang = doc.language or "und"
        month = doc.date.strftime("%Y-%m") if doc.date else None
        rank_base = (0 if role == "customer" else 1, -(doc.date.toordinal() if doc.date else 0))
        bounds = _sentence_bounds(text) if phrases else []
        containers = _containers(phrases)
        for p, outer in zip(phrases, containers, strict=True):
            c = counts.get((lang, p.key))
            if c is None:
                c = counts[(lang, p.key)] = _Counts()
            c.mentions += 1
            c.surfaces[" ".join(p.surface.split())] += 1
            c.docs[doc.doc_id] = max(weight, c.docs.get(doc.doc_id, 0.0))
            c.accounts[account] = max(weight, c.accounts.get(account, 0.0))
            c.account_docs[account].add(doc.doc_id)
            c.doc_dates[doc.doc_id] = doc.date
            c.sources[doc.source] += 1
            if month:
                c.monthly[month] += 1
                c.dates.add(doc.date)
            s_start, s_end = _sentence_around(bounds, p.start, len(text))
            sentence = " ".join(text[s_start:s_end].lower().split())
            if len(sentence.split()) >= TEMPLATE_MIN_WORDS:
                sid = sentence_ids.setdefault(sentence, len(sentence_ids))
                sentence_docs[sid].add(doc.doc_id)
                c.sentences[sid] += 1
            rank = (*rank_base, doc.doc_id, p.start)
            if not c.example_rank or rank < c.example_rank:
                c.example_rank = rank
                c.example = (text, p.start, p.end)
            c.inside.update(outer)
            c.kinds[p.kind] += 1

    templated = {sid for sid, docs in sentence_docs.items() if len(docs) >= TEMPLATE_MIN_DOCS}
    website = list(website_texts)  # may be a generator: an empty one must flag nothing
    on_site = _WebsiteIndex(website) if website else None
    lists = _ConfiguredLists(config)

    scored: list[tuple[Term, bool]] = []
    for (lang, key), c in counts.items():
        code = canonical_lang(lang)
        lemmas = frozenset(key.split())
        keep = lists.matches(lists.keep, code, key, lemmas, exact=True)
        if lists.matches(lists.drop, code, key, lemmas, exact=True) and not keep:
            continue
        if len(c.docs) < vocab.min_documents and not keep:
            continue
        if not keep and _nested(c, lang, counts, vocab.min_documents):
            continue
        keyword = min(c.surfaces.items(), key=lambda kv: (-kv[1], kv[0]))[0]
        if not keep and (has_legal_form(lemmas) or _verb_fragment(c, keyword, code)):
            continue
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
            continue
        boilerplate = _boilerplate(c, templated, account_doc_totals)
        if boilerplate >= 0.5:
            flags.append("boilerplate")
        if on_site is not None and not on_site.contains(lemmas):
            flags.append("not_on_website")
        rec = sum(scoring.recency(d, report_end) for d in c.doc_dates.values()) / len(c.docs)
        specific = 1.0 if keep else scoring.specificity(words, code)
        relevance = scoring.relevance(
            account_weight=sum(c.accounts.values()),
            document_weight=sum(c.docs.values()),
            specificity=specific,
            n_lemmas=n_lemmas,
            boilerplate=boilerplate,
            recency=rec,
            jargon=jargon,
        )
        term = Term(
            key=key,
            keyword=keyword,
            language=lang,
            mentions=c.mentions,
            documents=len(c.docs),
            accounts=len(c.accounts),
            sources=dict(sorted(c.sources.items())),
            first_seen=min(c.dates) if c.dates else None,
            last_seen=max(c.dates) if c.dates else None,
            monthly=dict(sorted(c.monthly.items())),
            example=_example(*c.example),
            relevance=relevance,
            doc_ids=sorted(c.docs),
            flags=flags,
            specificity=round(specific, 4),
        )
        scored.append((term, keep))

    scored = rerank(scored, docs)
    # always_keep terms are guaranteed a place; the rest fill up to max_candidates.
    scored.sort(key=lambda tk: (-tk[0].relevance, tk[0].key, tk[0].language))
    kept = [t for t, keep in scored if keep]
    others = [t for t, keep in scored if not keep][: max(0, vocab.max_candidates - len(kept))]
    return sorted(kept + others, key=lambda t: (-t.relevance, t.key, t.language))


def _containers(phrases) -> list[set[str]]:
    """For each phrase, the keys of the longer phrases around it in the same text."""
    found: list[set[str]] = [set() for _ in phrases]
    for i, p in enumerate(phrases):  # sorted by start, then end
        j = i - 1
        while j >= 0 and phrases[j].start >= p.start - NESTED_WINDOW:
            q = phrases[j]
            if q.end >= p.end and q.key != p.key:
                found[i].add(q.key)
            j -= 1
        j = i + 1
        while j < len(phrases) and phrases[j].start == p.start:
            q = phrases[j]
            if q.end > p.end and q.key != p.key:
                found[i].add(q.key)
            j += 1
    return found


def _nested(c: _Counts, lang: str, counts: dict, min_documents: int) -> bool:
    """A phrase said almost only as part of one longer candidate is that candidate's part:
    "Angebote als PDF" inside "Angebote als PDF verschicken". Names stand on their own
    ("DATEV" inside "Schnittstelle zu DATEV")."""
    if c.kinds["name"] * 2 >= c.mentions:
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


def _month_end(report_month: str) -> date:
    try:
        year, month = (int(x) for x in report_month.split("-"))
        return date(year, month, calendar.monthrange(year, month)[1])
    except (ValueError, TypeError) as exc:
        raise ValueError(f"report_month {report_month!r}: expected YYYY-MM") from exc


def _boilerplate(c: _Counts, templated: set[int], account_doc_totals: Counter) -> float:
    """Share of template mentions, or 1.0 when one account alone repeats the phrase."""
    share = sum(n for sid, n in c.sentences.items() if sid in templated) / max(1, c.mentions)
    if len(c.accounts) == 1:
        ((account, docs),) = c.account_docs.items()
        total = account_doc_totals[account]
        if total >= ACCOUNT_BOILERPLATE_MIN_DOCS and len(docs) / total >= ACCOUNT_BOILERPLATE_SHARE:
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


def _sentence_bounds(text: str) -> list[int]:
    """Start offsets of the sentences in a text."""
    return [0] + [m.end() for m in _SENTENCE_END.finditer(text)]


def _sentence_around(bounds: list[int], pos: int, length: int) -> tuple[int, int]:
    """The (start, end) of the sentence holding character ``pos``."""
    i = bisect.bisect_right(bounds, pos) - 1
    return bounds[i], bounds[i + 1] if i + 1 < len(bounds) else length


def _example(text: str, start: int, end: int) -> str:
    """The sentence around a mention, cut to EXAMPLE_MAX_CHARS around the phrase."""
    if not text:
        return ""
    lo, hi = _sentence_around(_sentence_bounds(text), start, len(text))
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
