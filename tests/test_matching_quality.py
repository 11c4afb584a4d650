"""A hand-built month where the right match and class of every planted candidate is known.

Through the monthly run's own match stage (``stages.run_match``): real normalisation
(extractors.phrase_key) and the real default embedding model; the site's own background
queries give the CTR curve the low-CTR test is judged against.
"""

from datetime import date

import pytest

from kundensprache import stages
from kundensprache.clustering import embed_texts, load_encoder, model_for
from kundensprache.core.config import Config
from kundensprache.core.models import QueryRow, Term
from kundensprache.extractors.phrases import phrase_key
from kundensprache.matching.match import aggregate_queries, default_words, unmatched_queries
from kundensprache.matching.score import fit_ctr_curve
from kundensprache.matching.words import covers

# (customer phrase, language) -> (expected match type, expected best query, expected class)
PLANTED = {
    ("CRM für Handwerker", "de"): ("exact", "crm für handwerker", "striking_distance"),
    ("Zeiterfassung App", "de"): ("exact", "zeiterfassung app", "covered"),
    ("Lagerverwaltungssoftware", "de"): ("exact", "lagerverwaltungssoftware", "low_ctr"),
    ("Angebote als PDF verschicken", "de"): (
        "variant",
        "angebot pdf verschicken",
        "striking_distance",
    ),
    ("Schnittstelle zu DATEV", "de"): ("variant", "datev schnittstelle", "covered"),
    ("Offline-Modus auf der Baustelle", "de"): ("variant", "offline modus baustelle", "gap"),
    # the query holds all the phrase's words: related by words, no embedding needed
    ("field service scheduling", "en"): (
        "contains",
        "field service scheduling software",
        "striking_distance",
    ),
    # the query holds the phrase (queries are case-folded: ß -> ss); the phrase the query
    ("Aufmaß", "de"): ("contains", "aufmass software", "covered"),
    ("Bautagebuch App für Poliere", "de"): ("contains", "bautagebuch app", "covered"),
    ("Datenpflege im CRM", "de"): ("none", "", "gap"),
    ("duplicate contacts", "en"): ("none", "", "gap"),
}

QUERIES = [
    # query, page, clicks, impressions, position
    ("crm für handwerker", "https://nordwerk.de/crm", 31, 2400, 12.4),
    ("zeiterfassung app", "https://nordwerk.de/zeit", 540, 3000, 2.3),
    ("zeiterfassung apps", "https://nordwerk.de/zeit-apps", 30, 400, 4.0),
    ("lagerverwaltungssoftware", "https://nordwerk.de/lager", 40, 5000, 3.1),
    ("angebot pdf verschicken", "https://nordwerk.de/angebote", 12, 900, 9.1),
    ("datev schnittstelle", "https://nordwerk.de/datev", 60, 800, 5.0),
    ("offline modus baustelle", "https://nordwerk.de/offline", 0, 120, 35.0),
    ("field service scheduling software", "https://nordwerk.de/en/fsm", 9, 700, 11.0),
    # the site's other queries: CTR roughly 0.3 / position
    ("handwerkersoftware", "https://nordwerk.de/", 520, 1800, 1.1),
    ("software für sanitärbetriebe", "https://nordwerk.de/shk", 260, 1500, 1.8),
    ("rechnungsprogramm handwerk", "https://nordwerk.de/rechnung", 240, 1900, 2.4),
    ("aufmaß software", "https://nordwerk.de/aufmass", 130, 1300, 2.9),
    ("bautagebuch app", "https://nordwerk.de/bautagebuch", 100, 1200, 3.4),
    ("wartungsplaner", "https://nordwerk.de/wartung", 90, 1400, 4.6),
    ("kundenkartei digital", "https://nordwerk.de/kartei", 60, 1100, 5.4),
    ("digitale transformation mittelstand", "https://nordwerk.de/blog/dx", 30, 700, 6.8),
    ("erp lösung cloud", "https://nordwerk.de/erp", 25, 900, 7.4),
    ("mobile auftragsabwicklung", "https://nordwerk.de/mobil", 12, 600, 9.5),
    ("ganzheitliche unternehmenssoftware", "https://nordwerk.de/", 8, 800, 12.0),
    ("betriebssoftware handwerk", "https://nordwerk.de/", 6, 900, 14.0),
    ("cloud erp handwerk", "https://nordwerk.de/erp", 4, 500, 16.0),
]


def make_term(text: str, lang: str) -> Term:
    return Term(
        key=phrase_key(text, lang),
        keyword=text,
        language=lang,
        mentions=8,
        documents=6,
        accounts=5,
        sources={"call": 8},
        first_seen=date(2026, 6, 1),
        last_seen=date(2026, 10, 9),
        monthly={"2026-09": 2, "2026-10": 2},
        example="",
        relevance=1.0,
    )


@pytest.fixture(scope="module")
def candidates():
    config = Config()
    terms = [make_term(text, lang) for text, lang in PLANTED]
    queries = aggregate_queries([QueryRow(q, p, c, i, c / i, pos) for q, p, c, i, pos in QUERIES])
    encoder = load_encoder(model_for("de", config))  # the model run_topics compares with
    topics = stages.Topics(
        assignments=["T1"] * len(terms),
        labels={"T1": "x"},
        query_topics={},
        term_vectors=embed_texts([t.keyword for t in terms], encoder),
        query_vectors=embed_texts([q.query for q in queries], encoder),
    )
    cands, unmatched = stages.run_match(config, "2026-10", terms, queries, topics)
    return {(c.term.keyword, c.term.language): c for c in cands}, queries, unmatched


@pytest.mark.parametrize("planted", list(PLANTED))
def test_every_planted_candidate_gets_its_known_match_and_class(candidates, planted):
    by_term, _, _ = candidates
    match_type, best_query, opportunity = PLANTED[planted]
    row = by_term[planted].row()
    assert (row["match_type"], row["gsc_query"], row["opportunity"]) == (
        match_type,
        best_query,
        opportunity,
    )


def test_several_queries_are_aggregated(candidates):
    by_term, _, _ = candidates
    row = by_term[("Zeiterfassung App", "de")].row()
    assert row["impressions"] == "3400" and row["clicks"] == "570"  # "zeiterfassung apps" too
    assert row["top_page"] == "https://nordwerk.de/zeit"
    assert float(row["position"]) == pytest.approx((2.3 * 3000 + 4.0 * 400) / 3400, abs=0.05)


def test_the_site_curve_was_fitted_not_assumed(candidates):
    _, queries, _ = candidates
    curve = fit_ctr_curve(queries)
    assert curve.fitted
    assert 0.05 < curve.expected(3.1) < 0.2


def test_unmatched_queries_are_marketing_language(candidates):
    _, _, unmatched_stats = candidates
    unmatched = {q.query for q in unmatched_stats}
    assert "digitale transformation mittelstand" in unmatched  # no customer word in it
    # customers say "Lagerverwaltungssoftware": its part "software" is their word
    assert "ganzheitliche unternehmenssoftware" not in unmatched
    assert not unmatched & {"crm für handwerker", "aufmass software"}


def test_queries_naming_the_brand_are_navigation_not_marketing_language():
    rows = [
        QueryRow("nordwerk suite login", "https://nordwerk.de/login", 40, 900, 0.04, 1.1),
        QueryRow("nordwerk", "https://nordwerk.de/", 300, 1200, 0.25, 1.0),
        QueryRow("digitale transformation mittelstand", "https://nordwerk.de/dx", 3, 700, 0, 6.8),
    ]
    customer = {"de": frozenset({"crm", "zeiterfassung"})}
    left = unmatched_queries(
        aggregate_queries(rows), [], customer_words=customer, words=default_words(["Nordwerk"])
    )
    assert [q.query for q in left] == ["digitale transformation mittelstand"]
    # without brand terms configured "login" is just a word no customer uses
    left = unmatched_queries(aggregate_queries(rows), [], customer_words=customer)
    assert "nordwerk suite login" in {q.query for q in left}


def test_compound_parts_relate_words_both_ways():
    assert covers("arbeitszeit", "zeit") and covers("kundendaten", "kunde")
    assert not covers("planung", "ung") and not covers("lagerung", "lager")
    assert not covers("zeit", "arbeitszeit")
