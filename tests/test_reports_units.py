"""The report pieces on hand-built data: history (new, rising, moved), briefs (sentences,
quotes, headings, names), the workbook's cells, the writer's binary files and subfolders,
the report language."""

from __future__ import annotations

import io

import pytest
from openpyxl import load_workbook

from kundensprache.core.config import ConfigError, load_config
from kundensprache.reports.briefs import (
    Brief,
    brief_name,
    customer_sentences,
    pick_quotes,
    render_brief,
    suggested_headings,
    top_topics,
)
from kundensprache.reports.history import (
    build_history,
    history_months,
    keyword_moves,
    moved,
    new_or_rising,
    topic_status,
)
from kundensprache.reports.html import ReportData, render_report
from kundensprache.reports.workbook import Sheet, cell_value, workbook_bytes
from kundensprache.reports.writer import write_month
from kundensprache.store import Store
from kundensprache.store.history import (
    QueryMonth,
    load_query_history,
    save_query_history,
    stored_months,
)

STRIKING = (8.0, 20.0)


def _history(mentions, stored, query_topics=None, month="2026-10"):
    labels = {cid: f"Thema {cid}" for cid in mentions}
    query_topics = query_topics or {"q1": "C0001", "q2": "C0002"}
    return build_history(month, mentions, labels, query_topics, stored, STRIKING)


# ------------------------------------------------------------------------------- history
def test_topic_status_follows_the_configured_positions():
    assert topic_status(None, 8, 20) == "gap"
    assert topic_status(20.5, 8, 20) == "gap"
    assert topic_status(12.0, 8, 20) == "striking_distance"
    assert topic_status(7.9, 8, 20) == "covered"


def test_history_spans_up_to_twelve_months_from_the_first_with_data():
    assert history_months("2026-10", {"2026-05"}, {"2026-09"}) == [
        "2026-05",
        "2026-06",
        "2026-07",
        "2026-08",
        "2026-09",
        "2026-10",
    ]
    assert len(history_months("2026-10", {"2024-01", "2025-11"}, set())) == 12  # at most
    assert history_months("2026-10", {"2024-01", "2026-01"}, set())[0] == "2026-01"
    assert history_months("2026-10", set(), set()) == ["2026-10"]


def test_search_figures_add_up_per_current_topic_and_unknown_months_stay_empty():
    stored = [
        QueryMonth("2026-09", "q1", 100, 1, 30.0),
        QueryMonth("2026-09", "q2", 50, 5, 5.0),
        QueryMonth("2026-10", "q1", 300, 9, 12.0),
        QueryMonth("2026-10", "q3", 100, 9, 14.0),  # both q1 and q3 belong to C0001 now
        QueryMonth("2026-10", "q2", 70, 7, 4.0),
    ]
    h = _history(
        {"C0001": {"2026-08": 2, "2026-10": 5}, "C0002": {"2026-10": 1}},
        stored,
        {"q1": "C0001", "q3": "C0001", "q2": "C0002"},
    )
    assert h.months == ["2026-08", "2026-09", "2026-10"]
    assert h.search_months == ["2026-09", "2026-10"]
    s = h.topics["C0001"]
    assert s.mentions == [2, 0, 5]
    assert s.impressions == [None, 100, 400]
    assert s.positions[-1] == pytest.approx(12.5)
    assert s.status == [None, "gap", "striking_distance"]


def test_new_and_rising_topics_follow_the_trend_rule():
    h = _history(
        {
            "C0001": {"2026-07": 4, "2026-08": 4, "2026-09": 4, "2026-10": 9},  # rising
            "C0002": {"2026-07": 10, "2026-08": 10, "2026-09": 10, "2026-10": 11},  # stable
            "C0003": {"2026-10": 3},  # new
            "C0000": {"2026-10": 30},  # the catch-all group is never news
        },
        [],
    )
    assert {s.cluster_id: kind for s, kind in new_or_rising(h)} == {
        "C0001": "rising",
        "C0003": "new",
    }
    assert new_or_rising(_history({"C0001": {"2026-10": 4}}, [])) == []  # nothing before


def test_moved_compares_with_the_previous_month_that_has_search_figures():
    stored = [
        QueryMonth("2026-08", "q1", 100, 1, 30.0),
        QueryMonth("2026-08", "q2", 100, 1, 5.0),
        QueryMonth("2026-10", "q1", 100, 1, 12.0),  # gap -> striking distance
        QueryMonth("2026-10", "q2", 100, 1, 25.0),  # covered -> gap
    ]
    h = _history({"C0001": {"2026-10": 1}, "C0002": {"2026-10": 1}}, stored)
    assert [(s.cluster_id, b, n, h.months[i]) for s, b, n, i in moved(h)] == [
        ("C0001", "gap", "striking_distance", "2026-08"),
        ("C0002", "covered", "gap", "2026-08"),
    ]
    only_now = [q for q in stored if q.month == "2026-10"]
    assert moved(_history({"C0001": {"2026-10": 1}}, only_now)) == []


def test_store_keeps_query_figures_per_month_and_replaces_a_rerun(tmp_path):
    store = Store(tmp_path / "s.sqlite")
    save_query_history(store, "2026-09", [QueryMonth("2026-09", "q1", 10, 1, 3.0)])
    save_query_history(store, "2026-10", [QueryMonth("2026-10", "q1", 20, 2, 4.0)])
    save_query_history(store, "2026-10", [QueryMonth("2026-10", "q2", 30, 3, 5.0)])  # re-run
    assert stored_months(store) == ["2026-09", "2026-10"]
    rows = load_query_history(store, ["2026-10", "2026-11"])
    assert [(r.month, r.query, r.impressions) for r in rows] == [("2026-10", "q2", 30)]
    store.close()


# -------------------------------------------------------------------------------- briefs
def test_customer_sentences_finds_questions_and_statements_linearly():
    segments = [
        "Hallo. Gibt es eine Schnittstelle zu DATEV? Das wäre wichtig für uns.",
        "Wir brauchen die DATEV-Schnittstelle bis März. Gibt es eine Schnittstelle zu DATEV?",
        "Rufen Sie mich an: 0171 4482913. Die Schnittstelle zu DATEV ist Pflicht.",
        "x" * 200_000 + "?",  # one huge run-on line: bounded work, no quote
    ]
    questions, statements = customer_sentences(segments, ["Schnittstelle zu DATEV", "DATEV"])
    assert questions == ["Gibt es eine Schnittstelle zu DATEV?"]  # once, though asked twice
    assert statements == [
        "Die Schnittstelle zu DATEV ist Pflicht.",
        "Wir brauchen die DATEV-Schnittstelle bis März.",
    ]


def test_quotes_skip_placeholders_and_fragments():
    phrases = [
        {"example": "- Export für unser Lohnbüro (Frau [NAME], [E-MAIL])"},
        {"example": '" Will wissen, ob der DATEV-Export für sein Steuerbüro reicht.'},
        {"example": "DATEV."},
    ]
    quotes = pick_quotes(phrases, ["Offline-Modus auf der Baustelle ist Pflicht."])
    assert quotes == [
        "Offline-Modus auf der Baustelle ist Pflicht.",
        "Will wissen, ob der DATEV-Export für sein Steuerbüro reicht.",
    ]


def _brief() -> Brief:
    cluster = {
        "cluster_id": "C0012",
        "cluster_label": "Schnittstelle zu DATEV",
        "accounts": "12",
        "mentions": "40",
        "keywords": "3",
        "top_score": "80.0",
    }
    phrases = [
        {
            "keyword": "DATEV",
            "mentions": "30",
            "accounts": "17",
            "opportunity": "gap",
            "score": "80.0",
            "example": "",
        },
        {
            "keyword": "Schnittstelle zu DATEV",
            "mentions": "15",
            "accounts": "12",
            "opportunity": "gap",
            "score": "70.0",
            "example": "",
        },
        {
            "keyword": "DATEV-Export",
            "mentions": "4",
            "accounts": "4",
            "opportunity": "gap",
            "score": "50.0",
            "example": "",
        },
    ]
    queries = [
        {
            "query": "datev schnittstelle",
            "impressions": "300",
            "clicks": "2",
            "position": "14.2",
            "top_page": "https://www.example.de/datev",
        }
    ]
    return Brief(
        cluster,
        phrases,
        queries,
        ["Gibt es eine Schnittstelle zu DATEV?"],
        ["Die Schnittstelle zu DATEV ist Pflicht."],
    )


def test_headings_come_from_customer_phrases_deterministically():
    assert suggested_headings(_brief(), "de") == [
        ("H1", "Schnittstelle zu DATEV"),
        ("H2", "Gibt es eine Schnittstelle zu DATEV?"),
        ("H2", "DATEV: so funktioniert es"),
        ("H2", "Worauf es bei DATEV-Export ankommt"),
        ("H2", "Häufige Fragen zu Schnittstelle zu DATEV"),
    ]
    assert suggested_headings(_brief(), "en")[2] == ("H2", "DATEV: how it works")


def test_brief_is_markdown_a_cms_takes():
    text = render_brief(_brief(), "2026-10", "de")
    assert text.startswith("# Themen-Brief: Schnittstelle zu DATEV\n")
    assert "| datev schnittstelle | 300 | 2 | 14,2 | https://www.example.de/datev |" in text
    assert "> „Die Schnittstelle zu DATEV ist Pflicht.“" in text
    assert "Lücke: Kunden sagen es" in text
    english = render_brief(_brief(), "2026-10", "en")
    assert english.startswith("# Topic brief: ") and "| 14.2 |" in english


def test_brief_names_and_topic_choice():
    assert brief_name("C0007", "Zeiterfassung für Monteure/Außendienst") == (
        "briefs/C0007-zeiterfassung-fuer-monteure-aussendienst.md"
    )
    assert brief_name("C0001", "???") == "briefs/C0001-thema.md"
    clusters = [
        {"cluster_id": "C0000", "keywords": "9", "top_score": "99.0"},
        {"cluster_id": "C0002", "keywords": "2", "top_score": "50.0"},
        {"cluster_id": "C0001", "keywords": "3", "top_score": "50.0"},
        {"cluster_id": "C0003", "keywords": "0", "top_score": "0.0"},  # queries only
    ]
    assert [c["cluster_id"] for c in top_topics(clusters, 10)] == ["C0001", "C0002"]
    assert top_topics(clusters, 0) == []


# ------------------------------------------------------------------------------ workbook
def test_cells_are_typed_by_column():
    assert cell_value("mentions", "12") == 12
    assert cell_value("ctr", "0.0129") == pytest.approx(0.0129)
    assert cell_value("position", "") is None
    assert str(cell_value("first_seen", "2026-10-01")) == "2026-10-01"
    assert cell_value("keyword", "007") == "007"  # text stays text


def test_workbook_is_deterministic_and_speaks_the_report_language():
    sheets = [
        Sheet("clusters", ["cluster_id", "mentions"], [{"cluster_id": "C1", "mentions": "3"}])
    ]
    first = workbook_bytes(sheets, "en")
    assert first == workbook_bytes(sheets, "en")
    wb = load_workbook(io.BytesIO(first))
    assert wb.sheetnames == ["Topics"]
    assert load_workbook(io.BytesIO(workbook_bytes(sheets, "de"))).sheetnames == ["Themen"]


# ------------------------------------------------------------------------ writer, config
def test_writer_takes_bytes_and_subfolders_and_stays_inside(tmp_path):
    folder = write_month(tmp_path, "2026-10", {"a.xlsx": b"PK\x03\x04", "briefs/x.md": "ü"})
    assert (folder / "a.xlsx").read_bytes() == b"PK\x03\x04"
    assert (folder / "briefs" / "x.md").read_text(encoding="utf-8") == "ü"
    assert (tmp_path / "latest" / "briefs" / "x.md").exists()
    with pytest.raises(ValueError, match="leaves the output folder"):
        write_month(tmp_path, "2026-11", {"../evil.md": "x"})
    assert not (tmp_path / "evil.md").exists()


def test_report_language_is_checked_and_used(tmp_path):
    cfg = tmp_path / "k.toml"
    cfg.write_text('[report]\nlanguage = "fr"\n', encoding="utf-8")
    with pytest.raises(ConfigError, match=r"\[report\] language"):
        load_config(cfg)
    cfg.write_text('[report]\nlanguage = "en"\nbriefs = 3\n', encoding="utf-8")
    config = load_config(cfg)
    assert (config.report.language, config.report.briefs) == ("en", 3)
    html = render_report(ReportData("2026-10", [], [], [], [], None, "en"))
    assert "<html lang='en'>" in html and "keyword candidates 2026-10" in html
    assert "Search Console figures are stored: –" in html


def test_keyword_moves_follow_the_best_query_between_search_months():
    stored = [
        QueryMonth("2026-09", "zeiterfassung handwerk", 100, 1, 12.4),
        QueryMonth("2026-09", "crm mittelstand", 100, 1, 9.0),
        QueryMonth("2026-10", "zeiterfassung handwerk", 100, 1, 6.9),  # striking -> covered
        QueryMonth("2026-10", "crm mittelstand", 100, 1, 19.3),  # unchanged
        QueryMonth("2026-10", "crm für handwerker", 100, 1, 12.4),  # not seen before: gap
        QueryMonth("2026-10", "crm software", 100, 1, 21.0),  # was covered
        QueryMonth("2026-09", "crm software", 100, 1, 3.0),
    ]
    candidates = [
        {"keyword": k, "cluster_label": "T", "gsc_query": q}
        for k, q in (
            ("Zeiterfassung im Handwerk", "zeiterfassung handwerk"),
            ("CRM Mittelstand", "crm mittelstand"),
            ("CRM für Handwerker", "crm für handwerker"),
            ("CRM-Software", "crm software"),
            ("Excel-Listen", ""),
        )
    ]
    moves = keyword_moves(_history({"C0001": {"2026-10": 1}}, stored), candidates)
    assert [(m.keyword, m.before, m.now) for m in moves] == [
        ("Zeiterfassung im Handwerk", "striking_distance", "covered"),
        ("CRM für Handwerker", "gap", "striking_distance"),
        ("CRM-Software", "covered", "gap"),
    ]


def test_headings_follow_the_customers_language():
    brief = _brief()
    brief.phrases = [{**p, "language": "en"} for p in brief.phrases]
    assert suggested_headings(brief, "de")[-1] == (
        "H2",
        "Frequently asked questions about Schnittstelle zu DATEV",
    )


def test_report_says_which_search_console_source_fed_the_month():
    fed = render_report(ReportData("2026-10", [], [], [], [], None, "en", "search_console/q.csv"))
    assert "Search Console figures come from: search_console/q.csv" in fed
    none = render_report(ReportData("2026-10", [], [], [], [], None, "de"))
    assert "keiner Quelle" in none
