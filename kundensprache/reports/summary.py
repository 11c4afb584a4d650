"""The month's summary as Markdown, for the Prefect UI (a markdown artifact beside the top-20
table): the headline figures and links to the report, the workbook and the briefs. Read back
from the written month folder, so it shows exactly what was delivered."""

from __future__ import annotations

import csv
from collections import Counter
from pathlib import Path

from kundensprache.reports.texts import texts
from kundensprache.reports.workbook import WORKBOOK_NAME

SUMMARY_TEXTS = {
    "de": {
        "title": "Kundensprache {month}",
        "figures": "**{cands}** Keyword-Kandidaten in **{topics}** Themen: **{gaps}** Lücken, "
        "**{striking}** fast da (Position 8–20), **{covered}** abgedeckt.",
        "top": "Wichtigste Themen",
        "files": "Dateien",
        "report": "Bericht mit Verlauf",
        "workbook": "Arbeitsmappe (Excel)",
        "briefs": "Themen-Briefs",
    },
    "en": {
        "title": "Kundensprache {month}",
        "figures": "**{cands}** keyword candidates in **{topics}** topics: **{gaps}** gaps, "
        "**{striking}** in striking distance (position 8–20), **{covered}** covered.",
        "top": "Top topics",
        "files": "Files",
        "report": "Report with history",
        "workbook": "Workbook (Excel)",
        "briefs": "Topic briefs",
    },
}


def summary_markdown(folder: Path, month: str, language: str = "de") -> str:
    st, t = SUMMARY_TEXTS.get(language, SUMMARY_TEXTS["de"]), texts(language)
    candidates = _rows(folder / "keyword_candidates.csv")
    clusters = _rows(folder / "clusters.csv")
    opp = Counter(r["opportunity"] for r in candidates)
    lines = [
        f"# {st['title'].format(month=month)}",
        "",
        st["figures"].format(
            cands=len(candidates),
            topics=len(clusters),
            gaps=opp["gap"],
            striking=opp["striking_distance"],
            covered=opp["covered"],
        ),
        "",
        f"## {st['top']}",
        "",
        f"| {t['topic']} | {t['accounts']} | {t['mentions']} | {t['impressions']} |",
        "|---|---:|---:|---:|",
    ]
    lines += [
        f"| {r['cluster_label']} | {r['accounts']} | {r['mentions']} | {r['impressions']} |"
        for r in clusters[:5]
    ]
    lines += ["", f"## {st['files']}", ""]
    lines += [
        f"- [{st['report']}]({(folder / 'report.html').as_uri()})",
        f"- [{st['workbook']}]({(folder / WORKBOOK_NAME).as_uri()})",
    ]
    briefs = sorted((folder / "briefs").glob("*.md"))
    if briefs:
        lines.append(f"- {st['briefs']}: " + ", ".join(f"[{p.stem}]({p.as_uri()})" for p in briefs))
    return "\n".join(lines) + "\n"


def _rows(path: Path) -> list[dict[str, str]]:
    if not path.is_file():
        return []
    with open(path, encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))
