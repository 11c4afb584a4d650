"""Topic briefs: one Markdown file per top topic, for the content writer.

A brief holds what a writer needs to start a page in the customers' words: the topic's
phrases with counts, the customers' own questions verbatim, a few short quotes, the related
Search Console queries with the page that ranks, the opportunity, and suggested headings built
from customer phrases by fixed templates (deterministic; no text generation service). All text
comes from the store's redacted documents and is run through redaction once more.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from kundensprache.ingest.redact import redact
from kundensprache.reports.texts import texts

Rows = Sequence[Mapping[str, str]]
OUTLIER_TOPIC = "C0000"
MAX_QUOTES, MAX_QUESTIONS, MAX_QUOTE_CHARS = 5, 8, 220
_PLACEHOLDER = re.compile(r"\[[A-ZÄÖÜ-]{2,}\]")
_EDGE = " \t\"'„“”‚‘’»«-–—•*>:;,"
# Sentences: runs of characters up to an end mark; the classes are disjoint, so this is linear.
_SENTENCE = re.compile(r"[^.!?\n]+[.!?]*")

BRIEF_TEXTS = {
    "de": {
        "heading": "Themen-Brief: {label}",
        "meta": "Thema {cid} · Monat {month} · {accounts} Kunden · {mentions} Nennungen",
        "opportunity": "Chance",
        "phrases": "Die Worte der Kunden",
        "questions": "Fragen der Kunden (wörtlich)",
        "no_questions": "In den Unterlagen dieses Zeitraums stellt kein Kunde dazu eine Frage.",
        "quotes": "Zitate",
        "queries": "Suchanfragen in der Search Console",
        "no_queries": "Die Website wird für dieses Thema in der Search Console nicht gefunden.",
        "headings": "Vorgeschlagene Überschriften",
        "h_faq": "Häufige Fragen zu {p}",
        "h_how": "{p}: so funktioniert es",
        "h_why": "Worauf es bei {p} ankommt",
        "opp_gap": "Lücke: Kunden sagen es, die Website wird dafür nicht gefunden.",
        "opp_striking_distance": "Fast da: die Website rankt auf Position 8–20; ein "
        "besserer Text bringt sie auf Seite 1.",
        "opp_low_ctr": "Wenig Klicks: die Website wird gesehen, aber selten angeklickt; "
        "Titel und Beschreibung in Kundensprache umschreiben.",
        "opp_covered": "Abgedeckt: die Website rankt gut; die Seite mit den Worten der "
        "Kunden pflegen.",
        "best": "Bestes Keyword: „{kw}“ (Score {score}).",
    },
    "en": {
        "heading": "Topic brief: {label}",
        "meta": "Topic {cid} · month {month} · {accounts} customers · {mentions} mentions",
        "opportunity": "Opportunity",
        "phrases": "The customers' words",
        "questions": "Customers' questions (verbatim)",
        "no_questions": "No customer asks a question about it in this period's material.",
        "quotes": "Quotes",
        "queries": "Search Console queries",
        "no_queries": "The site is not found for this topic in Search Console.",
        "headings": "Suggested headings",
        "h_faq": "Frequently asked questions about {p}",
        "h_how": "{p}: how it works",
        "h_why": "What matters with {p}",
        "opp_gap": "Gap: customers say it, the site is not found for it.",
        "opp_striking_distance": "Striking distance: the site ranks at position 8–20; a "
        "better page gets it onto page one.",
        "opp_low_ctr": "Low CTR: the site is seen but rarely clicked; rewrite title and "
        "description in the customers' words.",
        "opp_covered": "Covered: the site ranks well; keep the page in the customers' words.",
        "best": "Best keyword: “{kw}” (score {score}).",
    },
}


@dataclass
class Brief:
    cluster: Mapping[str, str]  # the topic's clusters.csv row
    phrases: Rows  # its keyword_candidates.csv rows, best first
    queries: Rows  # query, impressions, clicks, position, top_page
    questions: list[str] = field(default_factory=list)
    quotes: list[str] = field(default_factory=list)


def query_row(q) -> dict[str, str]:
    """A Search Console query's figures (``QueryStats``) as the brief shows them."""
    return {
        "query": q.query,
        "impressions": str(q.impressions),
        "clicks": str(q.clicks),
        "position": f"{q.position:.1f}",
        "top_page": q.top_page,
    }


def top_topics(clusters: Rows, n: int) -> list[Mapping[str, str]]:
    """The ``n`` topics to brief: best score first; the catch-all outlier group is none."""
    ranked = sorted(
        (c for c in clusters if c["cluster_id"] != OUTLIER_TOPIC and int(c["keywords"]) > 0),
        key=lambda c: (-float(c["top_score"] or 0), c["cluster_id"]),
    )
    return ranked[: max(0, n)]


def brief_name(cluster_id: str, label: str) -> str:
    return f"briefs/{cluster_id}-{slug(label)}.md"


def slug(text: str, limit: int = 50) -> str:
    """ASCII file-name part: umlauts spelt out, everything else to hyphens."""
    text = text.casefold().replace("ä", "ae").replace("ö", "oe").replace("ü", "ue")
    text = text.replace("ß", "ss")
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    text = re.sub(r"[^a-z0-9]+", "-", text).strip("-")
    return text[:limit].rstrip("-") or "thema"


def _trim(text: str) -> str:
    """One line, without list bullets or stray quote marks at either end."""
    return " ".join(text.split()).strip(_EDGE)


def fold(text: str) -> str:
    return " ".join(text.casefold().replace("-", " ").split())


def customer_sentences(segments: Iterable[str], phrases: Sequence[str]) -> tuple[list, list]:
    """(questions, statements): distinct customer sentences that use one of the phrases, the
    ones with the most widely used phrase (first in ``phrases``) first."""
    keys = [fold(p) for p in phrases if p.strip()]
    found: list[tuple[int, int, str]] = []  # (phrase rank, order, sentence)
    seen: set[str] = set()
    for text in segments:
        for m in _SENTENCE.finditer(text):
            sentence = _trim(m.group())
            folded = fold(sentence)
            if len(sentence) > MAX_QUOTE_CHARS or len(sentence.split()) < 3 or folded in seen:
                continue
            rank = next((i for i, k in enumerate(keys) if k in folded), None)
            if rank is not None:
                seen.add(folded)
                found.append((rank, len(found), redact(sentence)))
    found.sort()
    questions = [s for _, _, s in found if s.endswith("?")]
    statements = [s for _, _, s in found if not s.endswith("?")]
    return questions, statements


def pick_quotes(phrases: Rows, statements: Sequence[str]) -> list[str]:
    """3-5 short quotes: customers' own sentences first, then the phrases' example quotes;
    none with a placeholder ([NAME], [E-MAIL], …) or too short to say anything."""
    out: list[str] = []
    for text in list(statements) + [p.get("example", "") for p in phrases]:
        text = redact(_trim(text))
        if (
            len(text.split()) >= 4
            and len(text) <= MAX_QUOTE_CHARS
            and not _PLACEHOLDER.search(text)
            and fold(text) not in {fold(q) for q in out}
        ):
            out.append(text)
        if len(out) == MAX_QUOTES:
            break
    return out


def suggested_headings(brief: Brief, language: str) -> list[tuple[str, str]]:
    """(level, heading): H1 from the topic's most widely used multi-word phrase, H2s from
    short customer questions and the next phrases through fixed templates."""
    bt = BRIEF_TEXTS.get(_phrase_language(brief.phrases, language), BRIEF_TEXTS["de"])
    words = [p["keyword"] for p in sorted(brief.phrases, key=_by_mentions)]
    if not words:
        return []
    longer = [w for w in words if len(w.split()) > 1]
    main = (longer or words)[0]
    rest = [w for w in dict.fromkeys(longer + words) if w != main]
    out = [("H1", _cap(main))]
    out += [("H2", q) for q in brief.questions if len(q) <= 90][:2]
    templates = [bt["h_how"], bt["h_why"]]
    out += [("H2", _cap(tpl.format(p=w))) for tpl, w in zip(templates, rest, strict=False)]
    out.append(("H2", bt["h_faq"].format(p=main)))
    return out


def _phrase_language(phrases: Rows, default: str) -> str:
    """Headings in the customers' language: an English topic gets English templates in a
    German brief (and the other way round)."""
    counts = Counter(p.get("language", "") for p in phrases)
    top, n = counts.most_common(1)[0] if counts else ("", 0)
    return top if top in BRIEF_TEXTS and n * 2 > len(phrases) else default


def render_brief(brief: Brief, month: str, language: str = "de") -> str:
    bt, t = BRIEF_TEXTS.get(language, BRIEF_TEXTS["de"]), texts(language)
    c = brief.cluster
    best = brief.phrases[0] if brief.phrases else None
    lines = [f"# {bt['heading'].format(label=c['cluster_label'])}", ""]
    lines += [
        bt["meta"].format(
            cid=c["cluster_id"], month=month, accounts=c["accounts"], mentions=c["mentions"]
        ),
        "",
    ]
    if best:
        lines += [
            f"## {bt['opportunity']}",
            "",
            bt[f"opp_{best['opportunity']}"],
            bt["best"].format(kw=best["keyword"], score=best["score"]),
            "",
        ]
    lines += [
        f"## {bt['phrases']}",
        "",
        f"| {t['keyword']} | {t['mentions']} | {t['accounts']} |",
        "|---|---:|---:|",
    ]
    lines += [
        f"| {_cell(p['keyword'])} | {p['mentions']} | {p['accounts']} |"
        for p in sorted(brief.phrases, key=_by_mentions)
    ]
    lines += ["", f"## {bt['questions']}", ""]
    lines += [f"- „{q}“" for q in brief.questions[:MAX_QUESTIONS]] or [bt["no_questions"]]
    lines += ["", f"## {bt['quotes']}", ""]
    lines += [f"> „{q}“\n" for q in brief.quotes]
    lines += [f"## {bt['queries']}", ""] + _query_table(brief.queries, t, bt, language)
    lines += ["", f"## {bt['headings']}", ""]
    lines += [f"- {level}: {h}" for level, h in suggested_headings(brief, language)]
    return "\n".join(lines).rstrip() + "\n"


def _query_table(queries: Rows, t: Mapping[str, str], bt: Mapping[str, str], language: str):
    if not queries:
        return [bt["no_queries"]]
    head = [
        f"| {t['query']} | {t['impressions']} | {t['clicks']} | {t['position']} | {t['page']} |",
        "|---|---:|---:|---:|---|",
    ]
    return head + [
        f"| {_cell(q['query'])} | {q['impressions']} | {q['clicks']} | {_decimal(q['position'], language)} | "
        f"{_cell(q.get('top_page', '')) or '–'} |"
        for q in queries
    ]


def _decimal(text: str, language: str) -> str:
    """German writers read 12,4, not 12.4."""
    return text.replace(".", ",") if language == "de" else text


def _by_mentions(p: Mapping[str, str]) -> tuple:
    return (-int(p["accounts"]), -int(p["mentions"]), p["keyword"])


def _cap(text: str) -> str:
    return text[:1].upper() + text[1:]


def _cell(text: str) -> str:
    return text.replace("|", "\\|")
