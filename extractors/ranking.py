"""What makes a counted phrase a poor search keyword, learnt from the corpus itself.

- **Rep jargon**: a phrase far more frequent in what our side writes (rep turns, outbound
  mail, CRM and call notes: roles ``rep`` and ``unknown``) than in the customers' own words
  (role ``customer``): "Angebot v2", "WV nächste Woche", "Proposal sent". Rates per word of
  each side's text, smoothed so that a phrase seen a couple of times decides nothing; only
  learnt when both sides have text enough to compare. A customer repeating what our side
  said to the same account first ("the test import" after "we'd do a test import") echoes
  our word and does not count as the customer's.
- **Template boilerplate**: a phrase whose mentions sit mostly in the first or last line of
  the documents of one source, where the same phrase opens or closes a large share of them
  ("Notiz Kunde … – Gesprächsnotiz Vertrieb", "Beste Grüße aus Hamburg"); or at the very
  start of notes whose first word opens many of that source's notes (a note type: "Anfrage
  per Telefon, Rückruf.", "Anfrage über Website, …", "Angebot verschickt"); or in sentences
  that give contact details ("Für Rückfragen erreichen Sie mich unter [TELEFON]").
- **Head words**: a one-word candidate that is common in everyday language ("Software",
  "Termin", "Büro") or the head of a longer candidate ("CRM" in "CRM für Handwerker"
  and "Datenpflege im CRM"): a topic's head, not a keyword to lead the list.
- **Legal forms** ("GmbH", "Ltd") and **verb fragments** whose verb is an everyday one
  ("Lizenzkosten pro Nutzer entscheiden"): the noun phrase is the keyword.

Counting is on content-lemma windows (the phrase key of a run of words), one linear pass
over the documents, no tagger: cheap next to phrase extraction.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from kundensprache.core.models import Document, Term
from kundensprache.extractors.compounds import german_nouns
from kundensprache.extractors.frequency import zipf
from kundensprache.extractors.lexicon import key_stop_words
from kundensprache.extractors.normalize import canonical_lang, unit_lemmas, word_parts

# Jargon: the rep-side rate at least this many times the customer rate (both smoothed by
# JARGON_SMOOTHING mentions), in at least JARGON_MIN_DOCS documents; learnt only when each
# side has at least MIN_SIDE_WORDS words.
JARGON_RATIO = 4.0
JARGON_SMOOTHING = 0.5
JARGON_MIN_DOCS = 3
MIN_SIDE_WORDS = 500
# Template: a phrase in the first (or last) line of at least this share of one source's
# documents of several lines, and at least TEMPLATE_MIN_DOCS of them, within the line's first
# (last) EDGE_WORDS words; a candidate with at least TEMPLATE_SHARE of its mentions there is
# the template's.
TEMPLATE_DOC_SHARE = 0.3
TEMPLATE_MIN_DOCS = 3
EDGE_WORDS = 12
TEMPLATE_SHARE = 0.5
# Note type: a first word that opens at least this share of one source's documents, and at
# least OPENER_MIN_DOCS of them ("Anfrage …", "Demo …", "WV …" in a CRM export).
OPENER_SHARE = 0.05
OPENER_MIN_DOCS = 5
# Head word: one surface word, everyday at least this common, or inside this many longer
# candidates (the longer phrase is the search keyword, the word names its topic).
HEAD_ZIPF = 4.0
HEAD_MIN_CONTAINERS = 1
# A verb at least this common is a conversation's verb, not the task searched for
# ("entscheiden", "klären", "schicken"; not "verschicken", "verwalten", "erfassen").
EVERYDAY_VERB_ZIPF = 4.2
MAX_WINDOW = 5
# At most this many words between two words of one mention ("Offline-Modus auf der Baustelle").
MAX_GAP = 2
# Sentences of a mention: one never spans a sentence, a line or a bullet.
_SENTENCE = re.compile(r"[.!?;:\n•]+")
# A sentence holding contact details (placeholders of ingest.redact) is a mail's or call's
# closing ("Für Rückfragen erreichen Sie mich unter [TELEFON]"), not a need.
CONTACT_PLACEHOLDERS = ("[E-MAIL]", "[TELEFON]", "[ADRESSE]", "[URL]")
# A word several accounts' names end in is a trade ("…bau", "Haustechnik", "Spedition").
TRADE_MIN_ACCOUNTS = 2
TRADE_ZIPF = 3.0  # the end of a word that counts as its trade must be an everyday word
LEGAL_FORMS = frozenset(
    "gmbh mbh ag kg kgaa ohg gbr ug ek ltd llc inc plc corp bv nv sarl srl".split()
)


def has_legal_form(lemmas: Iterable[str]) -> bool:
    return any(lemma in LEGAL_FORMS for lemma in lemmas)


class CompanyNames:
    """Customers' company names, learnt from the accounts' names: never a keyword.

    A candidate is a company's name when each of its words is a word of one account's name
    ("Brightline Logistics", "Gebäudereinigung"), or when it is two words, a proper name
    beside a word ending in a trade that several accounts' names end in ("Kessler
    Anlagenbau" where accounts are "Holzbau Schneider GmbH", "Maschinenbau Lindner AG", …).
    Accounts known only by a mail domain ("dach-…de") teach nothing: their words are cut.
    """

    def __init__(self, accounts: Iterable[str]):
        self.names = sorted({a for a in accounts if a and " " in a.strip()})
        self._by_lang: dict[str, tuple[list[set[tuple[str, ...]]], frozenset[str]]] = {}
        self._index: dict[str, dict[tuple[str, ...], set[int]]] = {}

    def _learnt(self, lang: str) -> tuple[list[set[tuple[str, ...]]], frozenset[str]]:
        if lang not in self._by_lang:
            names, trades = [], Counter()
            for name in self.names:
                words = {unit_lemmas(w, lang) for w in name.split() if w[:1] not in "[#"}
                words = {w for w in words if w and not set(w) <= LEGAL_FORMS}
                names.append(words)
                trades.update({h for w in words for h in _heads(w, lang)})
            common = frozenset(t for t, n in trades.items() if n >= TRADE_MIN_ACCOUNTS)
            self._by_lang[lang] = (names, common)
        return self._by_lang[lang]

    def _names_with(self, lang: str) -> dict[tuple[str, ...], set[int]]:
        """Word -> the names (indices) holding it: a candidate is looked up, not compared with
        every account's name (a large month has thousands of both)."""
        if lang not in self._index:
            index: dict[tuple[str, ...], set[int]] = defaultdict(set)
            for i, name in enumerate(self._learnt(lang)[0]):
                for word in name:
                    index[word].add(i)
            self._index[lang] = dict(index)
        return self._index[lang]

    def named(self, keyword: str, lang: str) -> bool:
        _, trades = self._learnt(lang)
        words = [(w, unit_lemmas(w, lang)) for w in keyword.split()]
        if not words or not all(lemmas for _, lemmas in words):
            return False
        index = self._names_with(lang)
        holding = [index.get(lemmas, set()) for _, lemmas in words]
        if set.intersection(*holding):  # one account's name holds every word
            return True
        if len(words) != 2:
            return False
        for (_, trade), (name, other) in (words, words[::-1]):
            proper = name[:1].isupper() and not name.isupper()
            if proper and _heads(trade, lang) & trades and not _heads(other, lang) & trades:
                if zipf(name.lower(), lang) < HEAD_ZIPF:
                    return True
        return False


def _heads(lemmas: tuple[str, ...], lang: str) -> set[str]:
    """The word's last lemma and the words it ends in after a word ("maschinenbau" -> "bau")."""
    last = lemmas[-1]
    if lang != "de":  # closed compounds are German's
        return {last}
    stops, nouns = key_stop_words(lang), german_nouns()
    out = {last}
    for cut in range(3, len(last) - 2):
        front, end = last[:cut], last[cut:]
        if end in stops or end not in nouns or zipf(end, lang) < TRADE_ZIPF:
            continue
        fronts = (front, front[:-1], front[:-2]) if front[-1:] in "ns" else (front,)
        if any(zipf(f, lang) >= TRADE_ZIPF for f in fronts if len(f) >= 3):
            out.add(end)
    return out


def everyday_verb_fragment(keyword: str, kind: str, lang: str) -> bool:
    """A verb phrase whose verb is an everyday one: "Lizenzkosten pro Nutzer entscheiden"."""
    if kind != "verb_phrase":
        return False
    words = word_parts(keyword, lang)
    if len(words) < 2:
        return False
    verb = words[0] if lang == "en" else words[-1]
    return zipf(verb.lower(), lang) >= EVERYDAY_VERB_ZIPF


def head_words(entries: Sequence[tuple[str, str, int]]) -> set[tuple[str, str]]:
    """(lang, key) of head words among ``(lang, key, surface word count)`` candidates."""
    by_lemma: dict[tuple[str, str], set[str]] = defaultdict(set)
    for lang, key, _ in entries:
        for lemma in key.split():
            by_lemma[(lang, lemma)].add(key)
    heads = set()
    for lang, key, n_words in entries:
        if n_words != 1 or not key:
            continue
        lemmas = set(key.split())
        inside = set.intersection(*(by_lemma[(lang, lemma)] for lemma in lemmas)) - {key}
        common = max((_everyday_zipf(lemma, canonical_lang(lang)) for lemma in lemmas), default=0.0)
        if len(inside) >= HEAD_MIN_CONTAINERS or common >= HEAD_ZIPF:
            heads.add((lang, key))
    return heads


def _everyday_zipf(word: str, lang: str) -> float:
    """English words are everyday words in other languages too ("Export", "Software")."""
    return zipf(word, lang) if lang == "en" else max(zipf(word, lang), zipf(word, "en"))


@dataclass
class RoleCounts:
    """Mentions of candidate keys per side, and at the documents' edges."""

    customer: Counter = field(default_factory=Counter)  # key -> mentions by customers
    own: Counter = field(default_factory=Counter)  # key -> customer mentions, echoes aside
    rep: Counter = field(default_factory=Counter)  # key -> mentions by our side
    rep_docs: Counter = field(default_factory=Counter)  # key -> documents on our side
    words: Counter = field(default_factory=Counter)  # "customer"/"rep" -> words
    edge: Counter = field(default_factory=Counter)  # key -> mentions in template edges
    total: Counter = field(default_factory=Counter)  # key -> mentions outside rep turns
    contact: Counter = field(default_factory=Counter)  # key -> of those, in contact lines

    def jargon(self, key: str) -> bool:
        """Far more frequent on our side than in the customers' words."""
        cust_words, rep_words = self.words["customer"], self.words["rep"]
        if min(cust_words, rep_words) < MIN_SIDE_WORDS or self.rep_docs[key] < JARGON_MIN_DOCS:
            return False
        rep_rate = (self.rep[key] + JARGON_SMOOTHING) / rep_words
        cust_rate = (self.own[key] + JARGON_SMOOTHING) / cust_words
        return rep_rate >= JARGON_RATIO * cust_rate

    def rep_only(self, key: str) -> bool:
        """Never in the customers' own words, though the corpus has enough of them: what a
        rep wrote ("Termin mit PM", "Anfrage über Partner") counts less than what customers
        say (the design's first principle)."""
        return self.words["customer"] >= MIN_SIDE_WORDS and self.customer[key] == 0

    def template(self, key: str) -> bool:
        total = self.total[key]
        edges = max(self.edge[key], self.contact[key])
        return total > 0 and edges >= TEMPLATE_SHARE * total


def count_roles(
    documents: Iterable[Document], phrases: Iterable[tuple[str, str, str]]
) -> RoleCounts:
    """Count candidate phrases ``(lang, key, keyword)`` in every document, by side and position.

    A mention is the keyword's content lemmas in its own order within one sentence, at most
    MAX_GAP other words between two of them, ending at a word's end: "Proposal sent" is not
    the customer's "send the proposal", "Demo Lager" is not in "die Demo: Lagerbestand …".
    ``documents`` in date order: a customer's mention of a phrase our side said first to the
    same account is an echo of it ("the test import" after the rep offered "a test import").
    """
    wanted: dict[str, dict[tuple[str, ...], str]] = defaultdict(dict)
    lemmas_in: dict[str, set[str]] = defaultdict(set)
    for lang, key, keyword in phrases:
        ordered = tuple(_lemma_sequence(keyword, canonical_lang(lang)))
        if ordered:
            wanted[lang].setdefault(ordered, key)
            lemmas_in[lang].update(ordered)
    out = RoleCounts()
    said: dict[str, set[str]] = defaultdict(set)  # account -> keys our side said to it
    edges: dict[str, list[tuple[str, list[str]]]] = defaultdict(list)
    for doc in documents:
        lang = doc.language or "und"
        code = canonical_lang(lang)
        ours = said[doc.account or doc.doc_id]
        seen_rep: set[str] = set()
        for seg in doc.segments:
            side = "customer" if seg.role == "customer" else "rep"
            for sentence in _SENTENCE.split(seg.text):
                words = _lemma_words(sentence, code)
                out.words[side] += sum(len(lemmas) for lemmas, _ in words)
                contact = seg.role != "rep" and any(p in sentence for p in CONTACT_PLACEHOLDERS)
                for key in _windows(words, wanted[lang], lemmas_in[lang]):
                    if side == "rep":
                        out.rep[key] += 1
                        seen_rep.add(key)
                    else:
                        out.customer[key] += 1
                        out.own[key] += key not in ours
                    if seg.role == "rep":
                        ours.add(key)
                    else:
                        out.total[key] += 1
                        out.contact[key] += contact
        out.rep_docs.update(seen_rep)
        lines = [line for s in doc.segments for line in s.text.splitlines() if line.strip()]
        if lines:  # only the edges are kept: a large month holds no second copy of its text
            ours_first = doc.segments[0].role != "customer"
            edges[doc.source].append((lang, lines[0], lines[-1], len(lines) > 1, ours_first))
    _count_edges(edges, wanted, lemmas_in, out)
    return out


def _count_edges(by_source, wanted, lemmas_in, out: RoleCounts) -> None:
    """Mentions at the edges of many documents of one source: template lines, note types.

    ``by_source``: source -> (language, first line, last line, several lines?, written by our
    side first?) of each document. Only documents of several lines have an opening and a
    closing line (a one-line CRM note is all body), but any note of ours may open with its
    type.
    """
    for docs in by_source.values():
        edge_keys: list[list[str]] = [[] for _ in docs]
        for end in (0, -1):
            found_in: dict[int, list[str]] = {}
            shared: Counter = Counter()
            for i, (lang, first, last, several, _) in enumerate(docs):
                if not several:
                    continue
                words = _lemma_words(first if end == 0 else last, canonical_lang(lang))
                edge = words[:EDGE_WORDS] if end == 0 else words[-EDGE_WORDS:]
                found_in[i] = list(_windows(edge, wanted[lang], lemmas_in[lang]))
                shared.update(set(found_in[i]))
            need = max(TEMPLATE_MIN_DOCS, TEMPLATE_DOC_SHARE * len(found_in))
            for i, found in found_in.items():
                edge_keys[i].extend(k for k in found if shared[k] >= need)
        _note_types(docs, wanted, lemmas_in, edge_keys)
        for keys in edge_keys:
            out.edge.update(keys)


def _note_types(docs, wanted, lemmas_in, edge_keys: list[list[str]]) -> None:
    """Add the phrases that start a note of ours whose first word opens many of the source's.

    The type is the note's very first word ("Anfrage per Telefon, …"), not its first content
    word: "Die Bahn ist zu spät" does not open with a type.
    """
    firsts = []
    for lang, first, _, _, ours in docs:
        words = _lemma_words(first, canonical_lang(lang))[:MAX_WINDOW]
        firsts.append(words if ours and words and words[0][1] == 0 else [])
    openers = Counter(words[0][0][0] for words in firsts if words)
    need = max(OPENER_MIN_DOCS, OPENER_SHARE * len(docs))
    for i, ((lang, *_), words) in enumerate(zip(docs, firsts, strict=True)):
        if words and openers[words[0][0][0]] >= need:
            opening = _windows(words, wanted[lang], lemmas_in[lang], first_only=True)
            edge_keys[i].extend(k for k in opening if k not in edge_keys[i])


def _lemma_sequence(text: str, lang: str) -> list[str]:
    """The content lemmas of a text in order (a word's compound parts in its place)."""
    return [lemma for word in text.split() for lemma in unit_lemmas(word, lang)]


def _lemma_words(sentence: str, lang: str) -> list[tuple[tuple[str, ...], int]]:
    """(content lemmas, words skipped before it) of each content word of one sentence."""
    out = []
    skipped = 0
    for word in sentence.split():
        lemmas = unit_lemmas(word, lang)
        if lemmas:
            out.append((lemmas, skipped))
            skipped = 0
        else:
            skipped += 1
    return out


def _windows(
    words: list[tuple[tuple[str, ...], int]],
    wanted: dict[tuple[str, ...], str],
    lemmas: set[str],
    first_only: bool = False,
) -> Iterable[str]:
    """Keys of the runs of up to MAX_WINDOW lemmas that are a candidate's: a run may start
    inside a compound ("Arbeitszeiterfassung" holds "Zeiterfassung") but ends at a word's
    end, and no more than MAX_GAP words lie between two of its words. ``first_only``: the
    runs that start at the first lemma."""
    seq: list[str] = []
    ends: list[bool] = []  # lemma i ends its word
    joins: list[bool] = []  # lemma i may follow lemma i - 1 in one run
    for parts, skipped in words:
        for k, lemma in enumerate(parts):
            seq.append(lemma)
            ends.append(k == len(parts) - 1)
            joins.append(k > 0 or skipped <= MAX_GAP)
    n = len(seq)
    for i in range(min(n, 1) if first_only else n):
        if seq[i] not in lemmas:
            continue
        for j in range(i + 1, min(n, i + MAX_WINDOW) + 1):
            if seq[j - 1] not in lemmas or (j - 1 > i and not joins[j - 1]):
                break
            if ends[j - 1]:
                key = wanted.get(tuple(seq[i:j]))
                if key is not None:
                    yield key


# Flags of phrases that are our side's words, not the customers': they name no topic.
OURS_FLAGS = frozenset({"jargon", "rep_only", "boilerplate"})


def ours_factor(flags: Iterable[str]) -> float:
    """Weight factor of a phrase in its topic (centroid and label): 0.1 when it is ours."""
    return 0.1 if OURS_FLAGS.intersection(flags) else 1.0


# Relevance and score factor of a flagged candidate: it stays in the list, low.
FLAG_FACTOR = {"jargon": 0.2, "head": 0.5, "rep_only": 0.6}


def rerank(
    scored: list[tuple[Term, bool]], documents: Sequence[Document]
) -> list[tuple[Term, bool]]:
    """Drop template phrases; flag rep jargon and head words and lower their relevance.

    ``scored`` holds (term, always_keep); kept terms are never dropped nor lowered.
    """
    roles = count_roles(documents, [(t.language, t.key, t.keyword) for t, _ in scored])
    heads = head_words(
        [
            (t.language, t.key, len(word_parts(t.keyword, canonical_lang(t.language))))
            for t, _ in scored
        ]
    )
    out = []
    for term, keep in scored:
        if not keep:
            if roles.template(term.key):
                continue
            if roles.jargon(term.key) and "jargon" not in term.flags:
                term.flags.append("jargon")
            if (term.language, term.key) in heads and "brand" not in term.flags:
                term.flags.append("head")
            if roles.rep_only(term.key) and "jargon" not in term.flags:
                term.flags.append("rep_only")
            factor = 1.0
            for flag in ("jargon", "head", "rep_only"):
                if flag in term.flags:
                    factor *= FLAG_FACTOR[flag]
            term.relevance = round(term.relevance * factor, 6)
        out.append((term, keep))
    return out
