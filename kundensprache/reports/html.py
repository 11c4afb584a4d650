"""The human report: one self-contained HTML page with inline SVG charts (no JavaScript,
no external assets, so it can be mailed, opened offline and printed)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from html import escape

from kundensprache.reports.charts import COLORS, opportunity_chart, sparkline, topic_chart
from kundensprache.reports.history import (
    OUTLIER_TOPIC,
    History,
    keyword_moves,
    moved,
    new_or_rising,
)
from kundensprache.reports.texts import texts

Rows = Sequence[Mapping[str, str]]
HISTORY_TOPICS = 12
TOP_COLUMNS = (
    "keyword", "cluster_label:topic", "accounts", "mentions", "trend", "gsc_query:query",
    "position", "impressions", "opportunity", "score",
)  # fmt: skip
UNMATCHED_COLUMNS = ("query", "impressions", "clicks", "position", "cluster_label:topic")
MOVED_KEYWORDS = 20


@dataclass
class ReportData:
    month: str
    candidates: Rows
    clusters: Rows
    unmatched: Rows
    ingest: Rows
    history: History | None = None
    language: str = "de"
    gsc_source: str = ""  # what fed the month's Search Console figures: the API or export files


def render_report(data: ReportData) -> str:
    t = texts(data.language)
    history = data.history or History([data.month], [], {})
    title = escape(t["title"].format(month=data.month))
    parts = [
        f"<!doctype html><html lang='{escape(data.language)}'><head><meta charset='utf-8'>",
        "<meta name='viewport' content='width=device-width, initial-scale=1'>",
        f"<title>{title}</title><style>{CSS}</style></head><body><main>",
        f"<h1>{title}</h1><p class='lead'>{escape(t['lead'])}</p>",
        _facts(data, t),
        f"<h2>{escape(t['new_rising'].format(month=data.month))}</h2>",
        _new_rising(history, data.candidates, t),
        f"<h2>{escape(t['moved'])}</h2>",
        _moved(history, data.candidates, t),
        f"<h2>{escape(t['history'])}</h2>",
        _history_cards(history, data.clusters, t),
        f"<h2>{escape(t['by_opportunity'])}</h2>",
        opportunity_chart(Counter(c["opportunity"] for c in data.candidates), t),
        f"<h2>{escape(t['topic_chart'])}</h2>",
        topic_chart(data.clusters[:12], t),
        f"<h2>{escape(t['top_candidates'])}</h2>",
        table(_words(data.candidates[:30], t), _cols(t, *TOP_COLUMNS)),
        f"<h2>{escape(t['unmatched'])}</h2><p>{escape(t['unmatched_lead'])}</p>",
        table(data.unmatched[:20], _cols(t, *UNMATCHED_COLUMNS)),
        f"<h2>{escape(t['ingest'])}</h2>",
        table(
            [r for r in data.ingest if r["status"] != "accepted"][:50],
            _cols(t, "file", "source", "status", "reason"),
            empty=t["all_read"],
        ),
        f"<footer>{escape(t['footer'])}</footer></main></body></html>\n",
    ]
    return "\n".join(parts)


def _words(rows: Rows, t: Mapping[str, str]) -> list[dict[str, str]]:
    """Trend and opportunity in the report's language, not the CSV's codes."""
    return [
        {**r, "trend": t.get(r["trend"], r["trend"]), "opportunity": t.get(r["opportunity"], "")}
        for r in rows
    ]


def _cols(t: Mapping[str, str], *specs: str) -> list[tuple[str, str]]:
    """``"key"`` or ``"key:text"`` -> (row key, column title in the report language)."""
    out = []
    for spec in specs:
        key, _, word = spec.partition(":")
        out.append((key, t.get(word or key, key)))
    return out


def _facts(data: ReportData, t: Mapping[str, str]) -> str:
    opp = Counter(c["opportunity"] for c in data.candidates)
    status = Counter(r["status"] for r in data.ingest)
    facts = [
        (len(data.candidates), t["candidates"]),
        (len(data.clusters), t["topics"]),
        (opp.get("gap", 0), t["gaps"]),
        (opp.get("striking_distance", 0), t["striking"]),
        (status.get("accepted", 0), t["files_read"]),
        (status.get("rejected", 0), t["files_rejected"]),
    ]
    cells = "".join(f"<div><strong>{v}</strong><span>{escape(k)}</span></div>" for v, k in facts)
    source = data.gsc_source or t["gsc_none"]
    return (
        f"<section class='facts'>{cells}</section>"
        f"<p class='gsc-source'>{escape(t['gsc_source'])}: {escape(source)}</p>"
    )


def _new_rising(history: History, candidates: Rows, t: Mapping[str, str]) -> str:
    topics = new_or_rising(history)
    words = [c for c in candidates if c.get("trend") in ("new", "rising")][:12]
    if not topics and not words:
        return f"<p>{escape(t['none_new'])}</p>"
    items = "".join(
        f"<li><span class='tag {kind}'>{escape(t[kind])}</span> <b>{escape(s.label)}</b> "
        f"({s.mentions[-1]} {escape(t['mentions_month'])})</li>"
        for s, kind in topics
    )
    chips = "".join(
        f"<span class='chip'>{escape(c['keyword'])} <small>{escape(t[c['trend']])}</small></span>"
        for c in words
    )
    return f"<ul class='plain'>{items}</ul><p class='chips'>{chips}</p>"


def _moved(history: History, candidates: Rows, t: Mapping[str, str]) -> str:
    topics, words = moved(history), keyword_moves(history, candidates)[:MOVED_KEYWORDS]
    if not topics and not words:
        return f"<p>{escape(t['none_moved'])}</p>"
    topic_rows = [
        {
            "topic": s.label,
            "before": f"{t[before]} ({_pos(s.positions[prev])})",
            "now": f"{t[now]} ({_pos(s.positions[-1])})",
        }
        for s, before, now, prev in topics
    ]
    word_rows = [
        {
            "keyword": m.keyword,
            "query": m.query,
            "topic": m.topic,
            "before": f"{t[m.before]} ({_pos(m.position_before)})",
            "now": f"{t[m.now]} ({_pos(m.position_now)})",
        }
        for m in words
    ]
    lead = t["moved_lead"].format(before=history.previous_search_month)
    parts = [f"<section class='moved'><p>{escape(lead)}</p>"]
    if topic_rows:
        parts.append(table(topic_rows, _cols(t, "topic", "before", "now")))
    if word_rows:
        parts.append(table(word_rows, _cols(t, "keyword", "query", "topic", "before", "now")))
    return "".join(parts) + "</section>"


def _pos(position: float | None) -> str:
    return "–" if position is None else f"{position:.1f}"


def _history_cards(history: History, clusters: Rows, t: Mapping[str, str]) -> str:
    months = history.months
    lead = t["history_lead"].format(
        first=months[0], last=months[-1], search=", ".join(history.search_months) or "–"
    )
    cards = []
    for c in [c for c in clusters if c["cluster_id"] != OUTLIER_TOPIC][:HISTORY_TOPICS]:
        s = history.topics.get(c["cluster_id"])
        if s is None:
            continue
        status = s.status[-1] or "gap"
        cards.append(
            f"<div class='card'><h3>{escape(c['cluster_label'])}</h3>"
            f"<span class='tag {status}'>{escape(t[status])}</span>"
            f"<p class='m'>{escape(t['mentions_month'])}</p>"
            + sparkline(s.mentions, COLORS["mentions"], t["mentions_month"])
            + f"<p class='m'>{escape(t['impressions'])}</p>"
            + sparkline(s.impressions, COLORS["impressions"], t["impressions"])
            + f"<p class='axis'><span>{months[0]}</span><span>{months[-1]}</span></p></div>"
        )
    return f"<p>{escape(lead)}</p><div class='cards'>{''.join(cards)}</div>"


def table(rows: Rows, cols: list[tuple[str, str]], empty: str = "–") -> str:
    if not rows:
        return f"<p>{escape(empty)}</p>"
    head = "".join(f"<th scope='col'>{escape(title)}</th>" for _, title in cols)
    body = "".join(
        "<tr>" + "".join(f"<td>{escape(str(r.get(key, '')))}</td>" for key, _ in cols) + "</tr>"
        for r in rows
    )
    return f"<div class='scroll'><table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table></div>"


CSS = """
body{font-family:system-ui,-apple-system,'Segoe UI',Roboto,sans-serif;margin:0;color:#222;background:#f6f7f9}
main{max-width:1100px;margin:0 auto;padding:24px;background:#fff}
h1{font-size:1.6rem;margin:0 0 .4rem}h2{font-size:1.15rem;margin-top:2rem}
h3{font-size:.95rem;margin:0 0 .3rem}
.lead{color:#555}.facts{display:flex;flex-wrap:wrap;gap:12px;margin:16px 0}
.facts div{background:#eef3fa;border-radius:8px;padding:10px 14px;min-width:110px}
.facts strong{display:block;font-size:1.5rem}.facts span{color:#555;font-size:.85rem}
svg{max-width:760px}svg.spark{max-width:none}svg text{font-size:12px;fill:#333}svg text.n{font-size:10px}svg.spark text.v{font-size:14px;font-weight:600}
.cards{display:grid;grid-template-columns:repeat(auto-fill,minmax(240px,1fr));gap:12px}
.card{border:1px solid #e3e3e3;border-radius:8px;padding:10px 12px;break-inside:avoid}
.card .m{margin:.5rem 0 0;font-size:.75rem;color:#555}
.axis{display:flex;justify-content:space-between;font-size:.7rem;color:#777;margin:0;padding-right:64px}
.tag{display:inline-block;font-size:.72rem;padding:1px 7px;border-radius:9px;color:#fff;background:#777}
.tag.gap{background:#c0392b}.tag.striking_distance{background:#d35400}.tag.covered{background:#1e8449}
.tag.new{background:#2c6fbb}.tag.rising{background:#117a65}
ul.plain{list-style:none;padding:0}ul.plain li{margin:.3rem 0}
.chips{display:flex;flex-wrap:wrap;gap:6px}.chip{background:#eef3fa;border-radius:12px;padding:2px 10px;font-size:.85rem}
.chip small{color:#555}
.scroll{overflow-x:auto}table{border-collapse:collapse;width:100%;font-size:.85rem}
th,td{text-align:left;padding:5px 8px;border-bottom:1px solid #e3e3e3;vertical-align:top}
th{background:#fafafa}footer{margin-top:2rem;color:#777;font-size:.8rem}
@media (max-width:600px){main{padding:12px}h1{font-size:1.3rem}.facts div{min-width:90px;padding:8px 10px}
table{font-size:.78rem}}
@media print{body{background:#fff}main{max-width:none;padding:0}.scroll{overflow:visible}
table{font-size:.68rem}th,td{padding:3px 4px}
h2{break-after:avoid}tr,.card,svg{break-inside:avoid}
.tag,.chip,.facts div{-webkit-print-color-adjust:exact;print-color-adjust:exact}}
"""
