"""Put it together: terms + topics + Search Console matches -> the rows of the output CSVs.

The tables' names and column order are in :mod:`kundensprache.reports.tables`.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from kundensprache.core.config import OpportunityConfig
from kundensprache.core.models import Term
from kundensprache.matching.match import Match, QueryStats
from kundensprache.matching.score import CtrCurve, classify, score, trend_of


@dataclass
class Candidate:
    term: Term
    cluster_id: str
    cluster_label: str
    trend: str
    match: Match
    opportunity: str
    score: float

    def row(self) -> dict[str, str]:
        t, m = self.term, self.match
        return {
            "keyword": t.keyword,
            "language": t.language,
            "cluster_id": self.cluster_id,
            "cluster_label": self.cluster_label,
            "mentions": str(t.mentions),
            "documents": str(t.documents),
            "accounts": str(t.accounts),
            "sources": format_counts(t.sources),
            "first_seen": t.first_seen.isoformat() if t.first_seen else "",
            "last_seen": t.last_seen.isoformat() if t.last_seen else "",
            "trend": self.trend,
            "gsc_query": m.best.query if m.best else "",
            "match_type": m.match_type,
            "impressions": str(m.impressions),
            "clicks": str(m.clicks),
            "ctr": f"{m.ctr:.4f}" if m.queries else "",
            "position": f"{m.position:.1f}" if m.position is not None else "",
            "top_page": m.top_page,
            "opportunity": self.opportunity,
            "score": f"{self.score:.1f}",
            "example": t.example,
        }


def format_counts(counts: Mapping[str, int]) -> str:
    """``call:12;crm:5;email:3`` — fixed source order first, then anything else by name."""
    order = {"call": 0, "crm": 1, "email": 2}
    items = sorted(
        ((k, v) for k, v in counts.items() if v), key=lambda kv: (order.get(kv[0], 9), kv[0])
    )
    return ";".join(f"{k}:{v}" for k, v in items)


def build_candidates(
    terms: Sequence[Term],
    matches: Sequence[Match],
    assignments: Sequence[str],
    labels: Mapping[str, str],
    *,
    month: str,
    curve: CtrCurve,
    opportunity: OpportunityConfig,
    all_queries: Sequence[QueryStats],
) -> list[Candidate]:
    """Classify and score every term; sorted by score descending, then keyword."""
    max_accounts = max((t.accounts for t in terms), default=0)
    max_mentions = max((t.mentions for t in terms), default=0)
    max_impressions = max((q.impressions for q in all_queries), default=0)
    out = []
    for term, match, cid in zip(terms, matches, assignments, strict=True):
        trend = trend_of(term, month)
        opp = classify(match, curve, opportunity)
        s = score(
            term,
            trend,
            opp,
            match,
            max_accounts=max_accounts,
            max_mentions=max_mentions,
            max_impressions=max_impressions,
        )
        out.append(Candidate(term, cid, labels.get(cid, ""), trend, match, opp, s))
    out.sort(key=lambda c: (-c.score, c.term.keyword.casefold(), c.term.keyword, c.term.key))
    return out


def cluster_rows(
    candidates: Sequence[Candidate],
    query_topics: Mapping[str, str | None],
    queries: Sequence[QueryStats],
    labels: Mapping[str, str],
    doc_accounts: Mapping[str, str],
) -> list[dict[str, str]]:
    """One row per topic: customer mentions and search figures side by side."""
    by_topic: dict[str, list[Candidate]] = defaultdict(list)
    for c in candidates:
        by_topic[c.cluster_id].append(c)
    topic_queries: dict[str, list[QueryStats]] = defaultdict(list)
    for q in queries:
        cid = query_topics.get(q.query)
        if cid is not None:
            topic_queries[cid].append(q)
    rows = []
    for cid in sorted(set(by_topic) | set(topic_queries)):
        cands = by_topic.get(cid, [])
        qs = topic_queries.get(cid, [])
        docs = {d for c in cands for d in c.term.doc_ids}
        accounts = {doc_accounts.get(d, d) for d in docs}
        impressions = sum(q.impressions for q in qs)
        clicks = sum(q.clicks for q in qs)
        position = (
            sum(q.position * q.impressions for q in qs) / impressions if impressions else None
        )
        top = sorted(cands, key=lambda c: (-c.term.mentions, c.term.keyword))[:5]
        opps = Counter(c.opportunity for c in cands)
        rows.append(
            {
                "cluster_id": cid,
                "cluster_label": labels.get(cid, ""),
                "keywords": str(len(cands)),
                "mentions": str(sum(c.term.mentions for c in cands)),
                "documents": str(len(docs)),
                "accounts": str(len(accounts)),
                "top_keywords": "; ".join(c.term.keyword for c in top),
                "gsc_queries": str(len(qs)),
                "impressions": str(impressions),
                "clicks": str(clicks),
                "ctr": f"{clicks / impressions:.4f}" if impressions else "",
                "position": f"{position:.1f}" if position is not None else "",
                "opportunities": ";".join(f"{k}:{opps[k]}" for k in sorted(opps)),
                "top_score": f"{max((c.score for c in cands), default=0.0):.1f}",
            }
        )
    rows.sort(key=lambda r: (-int(r["mentions"]), -int(r["impressions"]), r["cluster_id"]))
    return rows


def unmatched_rows(
    unmatched: Sequence[QueryStats],
    query_topics: Mapping[str, str | None],
    labels: Mapping[str, str],
) -> list[dict[str, str]]:
    rows = []
    for q in unmatched:
        cid = query_topics.get(q.query) or ""
        rows.append(
            {
                "query": q.query,
                "clicks": str(q.clicks),
                "impressions": str(q.impressions),
                "ctr": f"{q.ctr:.4f}",
                "position": f"{q.position:.1f}",
                "top_page": q.top_page,
                "cluster_id": cid,
                "cluster_label": labels.get(cid, "") if cid else "",
            }
        )
    return rows
