"""Inline SVG charts for the report: no JavaScript, no external assets."""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from html import escape

OPPORTUNITY_KINDS = ("gap", "striking_distance", "low_ctr", "covered")
COLORS = {
    "gap": "#c0392b",
    "striking_distance": "#d35400",
    "low_ctr": "#8e44ad",
    "covered": "#1e8449",
    "mentions": "#2c6fbb",
    "impressions": "#6c7a7d",
}


def opportunity_chart(counts: Counter, t: Mapping[str, str]) -> str:
    top = max([counts.get(k, 0) for k in OPPORTUNITY_KINDS] + [1])
    bar_h, gap, label_w, width = 26, 10, 330, 640
    height = len(OPPORTUNITY_KINDS) * (bar_h + gap)
    rows = []
    for i, kind in enumerate(OPPORTUNITY_KINDS):
        n = counts.get(kind, 0)
        y = i * (bar_h + gap)
        w = (width - label_w - 50) * n / top
        rows.append(
            f"<text x='0' y='{y + 18}'>{escape(t[kind])}</text>"
            f"<rect x='{label_w}' y='{y}' width='{w:.1f}' height='{bar_h}' fill='{COLORS[kind]}'/>"
            f"<text x='{label_w + w + 6:.1f}' y='{y + 18}'>{n}</text>"
        )
    return (
        f"<svg role='img' aria-label='{escape(t['by_opportunity'])}' "
        f"viewBox='0 0 {width} {height}' width='100%'>{''.join(rows)}</svg>"
    )


def topic_chart(clusters: Sequence[Mapping[str, str]], t: Mapping[str, str]) -> str:
    if not clusters:
        return f"<p>{escape(t['no_topics'])}</p>"
    max_m = max(int(c["mentions"]) for c in clusters) or 1
    max_i = max(int(c["impressions"]) for c in clusters) or 1
    bar_h, gap, label_w, width = 14, 12, 260, 640
    span = width - label_w - 70
    height = len(clusters) * (2 * bar_h + gap) + 24
    rows = [_legend(t, 0)]
    for i, c in enumerate(clusters):
        y = 24 + i * (2 * bar_h + gap)
        m, imp = int(c["mentions"]), int(c["impressions"])
        wm, wi = span * m / max_m, span * imp / max_i
        rows.append(
            f"<text x='0' y='{y + bar_h + 4}'>{escape(shorten(c['cluster_label'], 34))}</text>"
            + _bar(label_w, y, wm, bar_h, COLORS["mentions"], m)
            + _bar(label_w, y + bar_h, wi, bar_h, COLORS["impressions"], imp)
        )
    return (
        f"<svg role='img' aria-label='{escape(t['topic_chart'])}' "
        f"viewBox='0 0 {width} {height}' width='100%'>{''.join(rows)}</svg>"
    )


def _bar(x: float, y: float, w: float, h: float, color: str, value: int) -> str:
    return (
        f"<rect x='{x}' y='{y}' width='{w:.1f}' height='{h}' fill='{color}'/>"
        f"<text x='{x + w + 4:.1f}' y='{y + 11}' class='n'>{value}</text>"
    )


def _legend(t: Mapping[str, str], y: int) -> str:
    return (
        f"<rect x='0' y='{y}' width='12' height='12' fill='{COLORS['mentions']}'/>"
        f"<text x='18' y='{y + 11}'>{escape(t['mentions'])}</text>"
        f"<rect x='170' y='{y}' width='12' height='12' fill='{COLORS['impressions']}'/>"
        f"<text x='188' y='{y + 11}'>{escape(t['impressions'])}</text>"
    )


def sparkline(values: Sequence[int | None], color: str, label: str) -> str:
    """A small line chart of one figure over the months (None: the topic was not there);
    the last value is printed at the end of the line."""
    width, height, pad, right = 220, 44, 4, 64
    span_x = width - right - pad
    top = max([v for v in values if v is not None] + [1])
    step = span_x / max(1, len(values) - 1)
    points = [
        (
            pad + i * step if len(values) > 1 else pad + span_x,
            height - pad - (height - 2 * pad) * v / top,
        )
        for i, v in enumerate(values)
        if v is not None
    ]
    path = " ".join(f"{x:.1f},{y:.1f}" for x, y in points)
    dots = "".join(f"<circle cx='{x:.1f}' cy='{y:.1f}' r='2.5' fill='{color}'/>" for x, y in points)
    last = f"{values[-1]:,}".replace(",", "\u202f") if values and values[-1] is not None else "–"
    return (
        f"<svg class='spark' role='img' aria-label='{escape(label)}' "
        f"viewBox='0 0 {width} {height}' width='100%'>"
        f"<line x1='{pad}' y1='{height - pad}' x2='{width - right + 4}' y2='{height - pad}' "
        f"stroke='#ccc'/>"
        f"<polyline points='{path}' fill='none' stroke='{color}' stroke-width='2'/>{dots}"
        f"<text x='{width - right + 10}' y='{height / 2 + 5:.0f}' fill='{color}' "
        f"class='v'>{last}</text></svg>"
    )


def shorten(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"
