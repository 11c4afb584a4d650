"""The monthly run as plain functions, one per stage.

``flows/monthly.py`` wraps each of these in a Prefect task; tests and other tools can call
them directly. Nothing here knows about Prefect: progress goes to a ``log`` callable.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
from bs4 import BeautifulSoup

from kundensprache import ingest
from kundensprache.clustering import (
    assign_texts,
    embed_and_cluster,
    embed_texts,
    load_encoder,
    model_for,
)
from kundensprache.core.config import Config
from kundensprache.core.models import FileResult, QueryRow, Term
from kundensprache.core.months import shift_month
from kundensprache.core.progress import report
from kundensprache.extractors.phrases import phrase_key
from kundensprache.extractors.ranking import ours_factor
from kundensprache.extractors.records import settings_fingerprint, unpack
from kundensprache.extractors.vocabulary import DocInfo, aggregate
from kundensprache.ingest.language import detect_language
from kundensprache.ingest.name_gate import mask_row, mask_seen_names, publishable
from kundensprache.ingest.redact import redact
from kundensprache.matching.candidates import (
    Candidate,
    build_candidates,
    cluster_rows,
    unmatched_rows,
)
from kundensprache.matching.match import (
    QueryStats,
    aggregate_queries,
    default_words,
    exact_form,
    match_terms,
    unmatched_queries,
)
from kundensprache.matching.score import fit_ctr_curve
from kundensprache.matching.words import customer_vocabulary
from kundensprache.reports.briefs import (
    Brief,
    brief_name,
    customer_sentences,
    pick_quotes,
    query_row,
    render_brief,
    top_topics,
)
from kundensprache.reports.history import History, build_history
from kundensprache.reports.html import ReportData, render_report
from kundensprache.reports.tables import TABLES, ingest_report_rows
from kundensprache.reports.workbook import WORKBOOK_NAME, Sheet, workbook_bytes
from kundensprache.reports.writer import csv_text, write_month
from kundensprache.search_console.client import check_month, fetch_month, query_rows_from_api
from kundensprache.search_console.export_scan import month_exports
from kundensprache.shards import extract_shard, plan_extraction, vocabulary_window
from kundensprache.store import Store
from kundensprache.store.extractions import Extractions

Log = Callable[[str], None]
_log = logging.getLogger("kundensprache")


def _default_log(message: str) -> None:
    _log.info(message)


# ------------------------------------------------------------------------------ ingest
def run_ingest(config: Config, store: Store, log: Log = _default_log) -> list[FileResult]:
    """Read every file in the inbox (incrementally) into the store; one result per file."""
    inbox = config.paths.inputs
    paths = ingest.discover(inbox)
    log(f"Ingest: {len(paths)} files in {inbox}")
    step = max(1, len(paths) // 10)

    def progress(done: int, total: int, name: str) -> None:
        report("ingest: files", done, total)
        if done == total or done % step == 0:
            log(f"Ingest: {done}/{total} files")

    results = ingest.ingest_paths(paths, store, config, inbox=inbox, progress=progress)
    log_ingest(results, store, log)
    return results


def log_ingest(results: Sequence[FileResult], store: Store, log: Log = _default_log) -> None:
    counts = {s: sum(r.status == s for r in results) for s in ("accepted", "duplicate", "rejected")}
    log(
        f"Ingest: {counts['accepted']} accepted, {counts['duplicate']} duplicate, "
        f"{counts['rejected']} rejected; store holds {store.document_count()} documents"
    )
    for row in ingest_report_rows([r for r in results if r.status == "rejected"]):
        log(f"Rejected {row['file']}: {row['reason']}")


# -------------------------------------------------------------------------- vocabulary
@dataclass
class Vocabulary:
    terms: list[Term]
    doc_accounts: dict[str, str]  # doc_id -> account (or the doc_id itself when unknown)
    documents: int
    extracted: int = 0  # documents extracted in this run (the rest came from the store)


def run_vocabulary(config: Config, store: Store, month: str, log: Log = _default_log) -> Vocabulary:
    """Customer vocabulary over the rolling window ending with the report month.

    Only documents without a current stored record are extracted (new, changed, or the
    extraction settings changed); the month aggregates the stored records of its window.
    """
    since, until = vocabulary_window(config, month)
    extracted = extract_stale(config, store, since, until, log)
    records = Extractions(store)
    fingerprint = settings_fingerprint(config.vocabulary, config.company)
    website = list(read_website(config.paths.inputs / "website"))
    accounts: dict[str, str] = {}

    def stream(phrases: bool = True):
        for r in records.stream(fingerprint, since, until, phrases=phrases):
            if phrases:
                accounts[r.doc_id] = r.account or r.doc_id
            yield (
                DocInfo(r.doc_id, r.source, r.account, r.date, r.language),
                unpack(r.head, r.phrases),
            )

    terms = aggregate(
        stream,
        config=config,
        report_month=month,
        segment_texts=records.segment_texts,
        documents=lambda: WindowDocuments(store, since, until),
        website_texts=website,
    )
    log(f"Vocabulary: {len(terms)} candidate phrases from {len(accounts)} documents")
    used = {d for t in terms for d in t.doc_ids}
    doc_accounts = {d: a for d, a in accounts.items() if d in used}
    return Vocabulary(terms, doc_accounts, len(accounts), extracted)


class WindowDocuments:
    """The window's documents, streamed from the store afresh on each iteration: the
    corpus-level reranking reads them more than once and never needs them all at once."""

    def __init__(self, store: Store, since, until):
        self.store, self.since, self.until = store, since, until

    def __iter__(self):
        return self.store.iter_documents(since=self.since, until=self.until)


def extract_stale(config: Config, store: Store, since, until, log: Log = _default_log) -> int:
    """Extract the window's documents that have no current record; returns how many."""
    plan = plan_extraction(config, store, since, until)
    log(f"Vocabulary: {plan.documents} documents dated {since} to {until} to extract")
    step = max(1, plan.documents // 10)
    done = 0
    for batch in plan.batches:
        before, done = done, done + extract_shard(config, store, plan.fingerprint, batch)
        report("vocabulary: documents", done, plan.documents)
        if done == plan.documents or done // step != before // step:
            log(f"Vocabulary: {done}/{plan.documents} documents extracted")
    return plan.documents


def read_website(folder: Path) -> list[tuple[str, str]]:
    """The company's own website copy (optional): (text, language) per .txt/.md/.html file."""
    if not folder.is_dir():
        return []
    out = []
    for path in sorted(folder.rglob("*")):
        if not path.is_file() or path.suffix.lower() not in (".txt", ".md", ".html", ".htm"):
            continue
        text = path.read_text(encoding="utf-8", errors="replace")
        if path.suffix.lower() in (".html", ".htm"):
            text = BeautifulSoup(text, "html.parser").get_text(" ")
        out.append((text, detect_language(text)))
    return out


# ---------------------------------------------------------------------- Search Console
@dataclass
class SearchData:
    rows: list[QueryRow]
    origin: str  # "api:<property>", "export:<files>" or "none"
    problems: list[str]
    report_rows: list[dict[str, str]] = field(default_factory=list)  # one per export file

    @property
    def queries(self) -> list[QueryStats]:
        """One entry per query over all its pages."""
        return aggregate_queries(self.rows)


def run_search_console(
    config: Config, store: Store, month: str, log: Log = _default_log
) -> SearchData:
    """The report month's queries: from the API when a property is configured, else the
    UI exports in ``inputs/search_console/`` (every file there gets an ingest_report row)."""
    sc = config.search_console
    folder = config.paths.inputs / "search_console"
    _rows, verdicts = month_exports(folder, month)
    report_rows = [_redacted(v.report_row()) for v in verdicts]
    if sc.property:
        for v, row in zip(verdicts, report_rows, strict=True):
            if v.feeds:
                row["status"], row["reason"] = "rejected", f"not used: the API ({sc.property}) is"
        api_rows = fetch_month(sc, month, store)
        log(f"Search Console: {len(api_rows)} rows for {sc.property}, {month}")
        return SearchData(query_rows_from_api(api_rows), f"api:{sc.property}", [], report_rows)
    used = [v for v in verdicts if v.feeds]
    problems = [f"{v.file}: {v.reason}" for v in verdicts if v.status == "rejected"]
    for p in problems:
        log(f"Search Console export not used: {p}")
    if not used:
        log(
            "Search Console: no property configured and no usable export for "
            f"{month} in {folder}; every candidate will be a gap"
        )
        return SearchData([], "none", problems, report_rows)
    rows = [r for v in used for r in v.rows]
    log(f"Search Console: {len(rows)} rows for {month} from {', '.join(v.file for v in used)}")
    return SearchData(rows, "export:" + ",".join(v.file for v in used), problems, report_rows)


def _redacted(row: dict[str, str]) -> dict[str, str]:
    """An export's report row: inbox-relative file name, redacted like every file row."""
    file = f"search_console/{row['file']}"
    return {**row, "file": redact(file), "reason": redact(row["reason"])}


def check_search_console(config: Config, month: str) -> None:
    """Before a run starts: fail now, with the client's message, if the month's Search
    Console rows cannot be fetched (key file, sign-in, access, quota, month not final,
    service unreachable). Nothing to check without a property (UI exports)."""
    if not config.search_console.property:
        return
    with Store(config.store_url) as store:
        check_month(config.search_console, month, store)


# ------------------------------------------------------------------------ topics + match
@dataclass
class Topics:
    assignments: list[str]  # cluster id per term
    labels: dict[str, str]
    query_topics: dict[str, str | None]  # query -> cluster id
    term_vectors: np.ndarray
    query_vectors: np.ndarray


def run_topics(
    config: Config,
    store: Store,
    month: str,
    terms: Sequence[Term],
    queries: Sequence[QueryStats],
    log: Log = _default_log,
) -> Topics:
    """Cluster the phrases (stable ids against earlier months) and put queries in topics."""

    def progress(done: int, total: int) -> None:
        report("topics: phrases", done, total)
        if done == total or done % 512 == 0:
            log(f"Embedding: {done}/{total}")

    texts = [t.keyword for t in terms]
    clustering, _ = embed_and_cluster(
        texts,
        [t.language for t in terms],
        config=config,
        cache=store,
        weights=[topic_weight(t) for t in terms],
        previous=store.load_clusters_before(month),
        taken_ids=store.all_cluster_ids(except_month=month),
        progress=progress,
        log=log,
    )
    store.save_clusters(month, clustering.snapshot(texts))
    labels = {t.cluster_id: t.label for t in clustering.topics}
    query_texts = [q.query for q in queries]
    query_ids = assign_texts(
        query_texts,
        [query_language(q, detect_language) for q in query_texts],
        clustering,
        config=config,
        cache=store,
    )
    # Semantic matching compares phrases and queries in one space: the German model's
    # (German first), which is the multilingual one when configured so.
    encoder = load_encoder(model_for("de", config))
    term_vectors = embed_texts(texts, encoder, cache=store)
    query_vectors = embed_texts(query_texts, encoder, cache=store)
    log(f"Topics: {len(clustering.topics)} for {len(texts)} phrases")
    return Topics(
        list(clustering.assignments),
        labels,
        dict(zip(query_texts, query_ids, strict=True)),
        term_vectors,
        query_vectors,
    )


def topic_weight(term: Term) -> float:
    """How strongly a phrase shapes its topic and names it: customers who say it, times how
    specific it is ("Schnittstelle zu DATEV", not "Büro"); our side's phrases hardly count."""
    return round(term.accounts * (0.3 + 0.7 * term.specificity) * ours_factor(term.flags), 6)


def query_language(query: str, detect: Callable[[str], str]) -> str:
    """A search query is too short for reliable language detection: German unless clearly
    English (German first: the site's audience)."""
    return "en" if detect(query) == "en" else "de"


def run_match(
    config: Config,
    month: str,
    terms: Sequence[Term],
    queries: Sequence[QueryStats],
    topics: Topics,
    doc_accounts: Mapping[str, str] | None = None,
) -> tuple[list[Candidate], list[QueryStats]]:
    """Match, classify and score; the queries left are those no customer words reach."""
    words = default_words(config.company.brand_terms)
    matches = match_terms(
        terms,
        queries,
        exact_fn=exact_form,
        key_fn=phrase_key,
        term_vectors=topics.term_vectors,
        query_vectors=topics.query_vectors,
        semantic_threshold=config.matching.semantic_threshold,
        words=words,
    )
    curve = fit_ctr_curve(queries)
    candidates = build_candidates(
        terms,
        matches,
        topics.assignments,
        topics.labels,
        month=month,
        curve=curve,
        opportunity=config.opportunity,
        all_queries=queries,
    )
    customer = customer_vocabulary(terms, doc_accounts or {})
    return candidates, unmatched_queries(queries, matches, customer_words=customer, words=words)


# ----------------------------------------------------------------------------- outputs
def render_outputs(
    config: Config,
    month: str,
    candidates: Sequence[Candidate],
    unmatched: Sequence[QueryStats],
    queries: Sequence[QueryStats],
    topics: Topics,
    vocabulary: Vocabulary,
    ingest_rows: Sequence[dict[str, str]],
) -> dict[str, str | bytes]:
    """File name -> content for the month's output folder; records the month's topic figures
    for the report's history. Last privacy gate: no candidate that is a person's name."""
    with Store(config.store_url) as store:
        seen = store.person_name_keys()  # names redaction found anywhere in the corpus
        candidates = publishable(candidates, seen)
        cand_rows = [mask_row(c.row(), seen) for c in candidates]
        clusters = cluster_rows(
            candidates, topics.query_topics, queries, topics.labels, vocabulary.doc_accounts
        )
        clusters = [mask_row(r, seen) for r in clusters]
        unmatched_list = unmatched_rows(unmatched, topics.query_topics, topics.labels)
        language = config.report.language
        table_rows = (cand_rows, clusters, unmatched_list, ingest_rows)
        sheets = [
            Sheet(name, columns, rows)
            for (name, columns), rows in zip(TABLES.items(), table_rows, strict=True)
        ]
        files: dict[str, str | bytes] = {
            f"{t.name}.csv": csv_text(t.columns, t.rows) for t in sheets
        }
        files[WORKBOOK_NAME] = workbook_bytes(sheets, language)
        history = record_history(config, store, month, candidates, queries, topics)
        briefs = render_briefs(config, store, month, candidates, clusters, queries, topics, seen)
        files.update({name: mask_seen_names(text, seen) for name, text in briefs.items()})
    gsc_source = _gsc_source(config, ingest_rows)
    report = ReportData(month, *table_rows, history, language, gsc_source=gsc_source)
    files["report.html"] = render_report(report)
    return files


def _gsc_source(config: Config, ingest_rows: Sequence[dict[str, str]]) -> str:
    """What fed the month's Search Console figures, for the report: the API or the exports."""
    if config.search_console.property:
        return f"Search Console API ({config.search_console.property})"
    accepted = [
        r["file"]
        for r in ingest_rows
        if r["source"] == "search_console" and r["status"] == "accepted"
    ]
    return ", ".join(accepted)


def record_history(
    config: Config,
    store: Store,
    month: str,
    candidates: Sequence[Candidate],
    queries: Sequence[QueryStats],
    topics: Topics,
) -> History:
    """Store this month's Search Console figures; read back up to 11 months before it and
    put them, with the mentions per month, on this month's topics."""
    from kundensprache.reports.history import HISTORY_MONTHS
    from kundensprache.store.history import (
        QueryMonth,
        load_query_history,
        save_query_history,
    )

    rows = [QueryMonth(month, q.query, q.impressions, q.clicks, q.position) for q in queries]
    save_query_history(store, month, rows)
    months = [shift_month(month, -back) for back in range(HISTORY_MONTHS)]
    mentions: dict[str, dict[str, int]] = {}
    for c in candidates:
        per = mentions.setdefault(c.cluster_id, {})
        for m, n in c.term.monthly.items():
            per[m] = per.get(m, 0) + n
    opp = config.opportunity
    return build_history(
        month,
        mentions,
        topics.labels,
        topics.query_topics,
        load_query_history(store, months),
        (opp.striking_min_position, opp.striking_max_position),
    )


def render_briefs(
    config, store, month, candidates, clusters, queries, topics, seen=frozenset()
) -> dict[str, str]:
    """briefs/<cluster_id>-<slug>.md for the top topics, with the customers' own sentences
    from the documents of the rolling window (names seen in the corpus masked first, so a
    quote that had one is dropped like any quote with a placeholder)."""
    chosen = top_topics(clusters, config.report.briefs)
    if not chosen:
        return {}
    wanted = {c["cluster_id"] for c in chosen}
    doc_ids = {d for c in candidates if c.cluster_id in wanted for d in c.term.doc_ids}
    customer_text = {  # the terms' documents only, all in the window: not the whole corpus
        d.doc_id: [mask_seen_names(s.text, seen) for s in d.segments if s.role == "customer"]
        for d in Extractions(store).documents(sorted(doc_ids))
    }
    files = {}
    for cluster in chosen:
        cid = cluster["cluster_id"]
        members = sorted(
            (c for c in candidates if c.cluster_id == cid),
            key=lambda c: (-c.term.accounts, -c.term.mentions, c.term.keyword),
        )
        segments = [t for c in members for d in c.term.doc_ids for t in customer_text.get(d, [])]
        questions, statements = customer_sentences(
            list(dict.fromkeys(segments)), [c.term.keyword for c in members]
        )
        rows = sorted((mask_row(c.row(), seen) for c in members), key=lambda r: -float(r["score"]))
        topic_queries = sorted(
            (q for q in queries if topics.query_topics.get(q.query) == cid),
            key=lambda q: (-q.impressions, q.query),
        )[:10]
        brief = Brief(
            cluster,
            rows,
            [query_row(q) for q in topic_queries],
            questions,
            pick_quotes(rows, statements),
        )
        files[brief_name(cid, cluster["cluster_label"])] = render_brief(
            brief, month, config.report.language
        )
    return files


def write_outputs(config: Config, month: str, files: dict[str, str | bytes]) -> Path:
    return write_month(config.paths.outputs, month, files)
