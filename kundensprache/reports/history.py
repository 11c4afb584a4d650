"""Topic history: per topic of this month's run, customer mentions and Search Console
figures over the report month and up to 11 months before it, and what changed.

Mentions per month come from the documents themselves (every phrase counts its mentions per
month); search figures from the months whose Search Console data the store keeps, added up
over the queries that belong to the topic now. So a topic renamed, split or merged since an
earlier run still shows a true history.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from kundensprache.core.months import shift_month
from kundensprache.store.history import QueryMonth

STATUS_ORDER = ("gap", "striking_distance", "covered")
OUTLIER_TOPIC = "C0000"
HISTORY_MONTHS = 12


def topic_status(position: float | None, striking_min: float, striking_max: float) -> str:
    """Where a topic stands in search: not found (gap), page 1½ (striking), page 1 (covered)."""
    if position is None or position > striking_max:
        return "gap"
    if position >= striking_min:
        return "striking_distance"
    return "covered"


@dataclass
class TopicSeries:
    """One topic's figures per month (oldest first); None where the store has no Search
    Console figures for that month."""

    cluster_id: str
    label: str
    mentions: list[int]
    impressions: list[int | None]
    positions: list[float | None]
    status: list[str | None]


@dataclass
class History:
    months: list[str]  # oldest first, the report month last
    search_months: list[str]  # those with Search Console figures
    topics: dict[str, TopicSeries]
    queries: dict[str, dict[str, QueryMonth]] = field(default_factory=dict)  # by month, query
    striking: tuple[float, float] = (8.0, 20.0)  # striking-distance positions (min, max)

    @property
    def previous_search_month(self) -> str | None:
        """The latest month before the report month with Search Console figures."""
        earlier = [m for m in self.search_months if m < self.months[-1]]
        return earlier[-1] if earlier else None


@dataclass(frozen=True)
class KeywordMove:
    keyword: str
    topic: str
    query: str
    before: str
    now: str
    position_before: float | None
    position_now: float | None


def history_months(report_month: str, mention_months: Iterable[str], search_months: Iterable[str]):
    """The report month and up to 11 before it, from the first that has any data."""
    span = [shift_month(report_month, -back) for back in range(HISTORY_MONTHS - 1, -1, -1)]
    known = set(mention_months) | set(search_months)
    first = next((i for i, m in enumerate(span) if m in known), len(span) - 1)
    return span[first:]


def build_history(
    report_month: str,
    topic_mentions: Mapping[str, Mapping[str, int]],
    labels: Mapping[str, str],
    query_topics: Mapping[str, str | None],
    stored: Sequence[QueryMonth],
    striking: tuple[float, float],
) -> History:
    """``topic_mentions``: cluster id -> month -> mentions; ``stored``: query figures of
    earlier runs (and this one); ``striking``: the striking-distance positions (min, max)."""
    mention_months = {m for per in topic_mentions.values() for m, n in per.items() if n}
    months = history_months(report_month, mention_months, {q.month for q in stored})
    search_months = sorted({q.month for q in stored} & set(months))
    figures: dict[tuple[str, str], list[QueryMonth]] = {}
    for q in stored:
        cid = query_topics.get(q.query)
        if cid is not None:
            figures.setdefault((cid, q.month), []).append(q)
    topics = {}
    for cid in sorted(set(topic_mentions) | set(labels)):
        series = TopicSeries(cid, labels.get(cid, ""), [], [], [], [])
        for m in months:
            series.mentions.append(int(topic_mentions.get(cid, {}).get(m, 0)))
            _add_search(series, figures.get((cid, m), []), m in search_months, striking)
        topics[cid] = series
    by_month: dict[str, dict[str, QueryMonth]] = {}
    for q in stored:
        by_month.setdefault(q.month, {})[q.query] = q
    return History(months, search_months, topics, by_month, striking)


def _add_search(series: TopicSeries, rows: list[QueryMonth], known: bool, striking) -> None:
    if not known:
        series.impressions.append(None)
        series.positions.append(None)
        series.status.append(None)
        return
    impressions = sum(q.impressions for q in rows)
    position = sum(q.position * q.impressions for q in rows) / impressions if impressions else None
    series.impressions.append(impressions)
    series.positions.append(position)
    series.status.append(topic_status(position, *striking))


def new_or_rising(history: History, limit: int = 10) -> list[tuple[TopicSeries, str]]:
    """Topics new this month (no mention in the months before) or rising (mentions at least
    1.5x the average of the three months before, and 2 more): the candidates' trend rule."""
    out = []
    for cid, s in history.topics.items():
        now = s.mentions[-1]
        if cid == OUTLIER_TOPIC or now == 0 or len(s.mentions) < 2:
            continue
        before = s.mentions[-4:-1]
        avg = sum(before) / len(before)
        if not any(s.mentions[:-1]):
            out.append((s, "new"))
        elif now >= 1.5 * avg and now >= avg + 2:
            out.append((s, "rising"))
    out.sort(key=lambda p: (-p[0].mentions[-1], p[0].cluster_id))
    return out[:limit]


def moved(history: History) -> list[tuple[TopicSeries, str, str, int]]:
    """(topic, status before, status now, index of the month before) for topics whose search
    standing changed since the previous month with figures: improvements first."""
    idx = [i for i, m in enumerate(history.months) if m in history.search_months]
    if len(idx) < 2 or idx[-1] != len(history.months) - 1:
        return []
    prev, last = idx[-2], idx[-1]
    out = []
    for cid, s in history.topics.items():
        before, now = s.status[prev], s.status[last]
        if cid != OUTLIER_TOPIC and before and now and before != now:
            out.append((s, before, now, prev))

    def rank(item) -> tuple:
        step = STATUS_ORDER.index(item[2]) - STATUS_ORDER.index(item[1])
        return (step < 0, -(item[0].impressions[-1] or 0), item[0].cluster_id)

    return sorted(out, key=rank)


def keyword_moves(history: History, candidates: Sequence[Mapping[str, str]]) -> list[KeywordMove]:
    """Candidates whose best matching query changed its standing since the previous month
    with Search Console figures (a query not seen then was a gap): improvements first."""
    before_month = history.previous_search_month
    now_rows = history.queries.get(history.months[-1], {})
    if before_month is None or not now_rows:
        return []
    before_rows = history.queries.get(before_month, {})
    out = []
    for c in candidates:
        query = c.get("gsc_query", "")
        if not query or query not in now_rows:
            continue
        then = before_rows.get(query)
        pos_then = then.position if then else None
        pos_now = now_rows[query].position
        before = topic_status(pos_then, *history.striking)
        now = topic_status(pos_now, *history.striking)
        if before != now:
            out.append(
                KeywordMove(c["keyword"], c["cluster_label"], query, before, now, pos_then, pos_now)
            )

    def rank(m: KeywordMove) -> tuple:
        step = STATUS_ORDER.index(m.now) - STATUS_ORDER.index(m.before)
        return (step < 0, -step, m.position_now or 0.0, m.keyword)

    return sorted(out, key=rank)
