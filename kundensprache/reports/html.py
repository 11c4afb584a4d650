"""The human report: one self-contained HTML page with inline SVG charts (no JavaScript,
no external assets, so it can be mailed or opened offline)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from html import escape

OPPORTUNITY_TEXT = {
    "gap": "Lücke (nicht gefunden)",
    "striking_distance": "Fast da (Position 8–20)",
    "low_ctr": "Wenig Klicks für die Position",
    "covered": "Abgedeckt (rankt gut)",
}
COLORS = {
    "gap": "#c0392b",
    "striking_distance": "#e67e22",
    "low_ctr": "#8e44ad",
    "covered": "#27ae60",
}


def render_report(
    month: str,
    candidates: Sequence[Mapping[str, str]],
    clusters: Sequence[Mapping[str, str]],
    unmatched: Sequence[Mapping[str, str]],
    ingest: Sequence[Mapping[str, str]],
) -> str:
    opp = Counter(c["opportunity"] for c in candidates)
    status = Counter(r["status"] for r in ingest)
    parts = [
        "<!doctype html><html lang='de'><head><meta charset='utf-8'>",
        "<meta name='viewport' content='width=device-width, initial-scale=1'>",
        f"<title>Kundensprache – Keyword-Kandidaten {escape(month)}</title>",
        f"<style>{CSS}</style></head><body><main>",
        f"<h1>Kundensprache – Keyword-Kandidaten {escape(month)}</h1>",
        "<p class='lead'>Wörter, die Kunden im Vertrieb benutzen, abgeglichen mit der Google "
        "Search Console. Oben steht, was sich zuerst lohnt.</p>",
        "<section class='facts'>",
        _fact(len(candidates), "Kandidaten"),
        _fact(len(clusters), "Themen"),
        _fact(opp.get("gap", 0), "Lücken"),
        _fact(opp.get("striking_distance", 0), "Fast da"),
        _fact(status.get("accepted", 0), "Dateien gelesen"),
        _fact(status.get("rejected", 0), "Dateien abgelehnt"),
        "</section>",
        "<h2>Chancen nach Art</h2>",
        _opportunity_chart(opp),
        "<h2>Themen: Kundennennungen und Suchimpressionen</h2>",
        _topic_chart(clusters[:12]),
        "<h2>Top 30 Kandidaten</h2>",
        _table(
            candidates[:30],
            [
                ("keyword", "Keyword"),
                ("cluster_label", "Thema"),
                ("accounts", "Kunden"),
                ("mentions", "Nennungen"),
                ("trend", "Trend"),
                ("gsc_query", "Suchanfrage"),
                ("position", "Position"),
                ("impressions", "Impressionen"),
                ("opportunity", "Chance"),
                ("score", "Score"),
            ],
        ),
        "<h2>Suchanfragen ohne Kundensprache</h2>",
        "<p>Hier wird die Website gefunden, aber kein Kunde benutzt diese Worte: die Sprache "
        "des Marketings, nicht der Kunden.</p>",
        _table(
            unmatched[:20],
            [
                ("query", "Suchanfrage"),
                ("impressions", "Impressionen"),
                ("clicks", "Klicks"),
                ("position", "Position"),
                ("cluster_label", "Thema"),
            ],
        ),
        "<h2>Eingelesene Dateien</h2>",
        _table(
            [r for r in ingest if r["status"] != "accepted"][:50],
            [("file", "Datei"), ("source", "Quelle"), ("status", "Status"), ("reason", "Grund")],
            empty="Alle Dateien wurden gelesen.",
        ),
        "<footer>Spalten und Score sind im README erklärt. Keine personenbezogenen Daten: "
        "E-Mail-Adressen, Telefonnummern und Namen sind vor dem Speichern ersetzt.</footer>",
        "</main></body></html>\n",
    ]
    return "\n".join(parts)


def _fact(value: int, label: str) -> str:
    return f"<div><strong>{value}</strong><span>{escape(label)}</span></div>"


def _opportunity_chart(counts: Counter) -> str:
    kinds = ["gap", "striking_distance", "low_ctr", "covered"]
    top = max([counts.get(k, 0) for k in kinds] + [1])
    bar_h, gap, label_w, width = 26, 10, 330, 640
    height = len(kinds) * (bar_h + gap)
    rows = []
    for i, kind in enumerate(kinds):
        n = counts.get(kind, 0)
        y = i * (bar_h + gap)
        w = (width - label_w - 50) * n / top
        rows.append(
            f"<text x='0' y='{y + 18}'>{escape(OPPORTUNITY_TEXT[kind])}</text>"
            f"<rect x='{label_w}' y='{y}' width='{w:.1f}' height='{bar_h}' fill='{COLORS[kind]}'/>"
            f"<text x='{label_w + w + 6:.1f}' y='{y + 18}'>{n}</text>"
        )
    return (
        f"<svg role='img' aria-label='Kandidaten nach Chance' viewBox='0 0 {width} {height}' "
        f"width='100%'>{''.join(rows)}</svg>"
    )


def _topic_chart(clusters: Sequence[Mapping[str, str]]) -> str:
    if not clusters:
        return "<p>Keine Themen.</p>"
    max_m = max(int(c["mentions"]) for c in clusters) or 1
    max_i = max(int(c["impressions"]) for c in clusters) or 1
    bar_h, gap, label_w, width = 14, 12, 260, 640
    span = width - label_w - 70
    height = len(clusters) * (2 * bar_h + gap) + 24
    rows = [
        "<rect x='0' y='0' width='12' height='12' fill='#2c6fbb'/>"
        "<text x='18' y='11'>Kundennennungen</text>"
        "<rect x='170' y='0' width='12' height='12' fill='#95a5a6'/>"
        "<text x='188' y='11'>Suchimpressionen</text>"
    ]
    for i, c in enumerate(clusters):
        y = 24 + i * (2 * bar_h + gap)
        m, imp = int(c["mentions"]), int(c["impressions"])
        wm, wi = span * m / max_m, span * imp / max_i
        label = (
            c["cluster_label"] if len(c["cluster_label"]) <= 34 else c["cluster_label"][:33] + "…"
        )
        rows.append(
            f"<text x='0' y='{y + bar_h + 4}'>{escape(label)}</text>"
            f"<rect x='{label_w}' y='{y}' width='{wm:.1f}' height='{bar_h}' fill='#2c6fbb'/>"
            f"<text x='{label_w + wm + 4:.1f}' y='{y + 11}' class='n'>{m}</text>"
            f"<rect x='{label_w}' y='{y + bar_h}' width='{wi:.1f}' height='{bar_h}' fill='#95a5a6'/>"
            f"<text x='{label_w + wi + 4:.1f}' y='{y + bar_h + 11}' class='n'>{imp}</text>"
        )
    return (
        f"<svg role='img' aria-label='Themen nach Nennungen und Impressionen' "
        f"viewBox='0 0 {width} {height}' width='100%'>{''.join(rows)}</svg>"
    )


def _table(rows: Sequence[Mapping[str, str]], cols: list[tuple[str, str]], empty: str = "–") -> str:
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
.lead{color:#555}.facts{display:flex;flex-wrap:wrap;gap:12px;margin:16px 0}
.facts div{background:#eef3fa;border-radius:8px;padding:10px 14px;min-width:110px}
.facts strong{display:block;font-size:1.5rem}.facts span{color:#555;font-size:.85rem}
svg text{font-size:12px;fill:#333}svg text.n{font-size:10px}
.scroll{overflow-x:auto}table{border-collapse:collapse;width:100%;font-size:.85rem}
th,td{text-align:left;padding:5px 8px;border-bottom:1px solid #e3e3e3;vertical-align:top}
th{background:#fafafa}footer{margin-top:2rem;color:#777;font-size:.8rem}
"""
