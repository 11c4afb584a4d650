"""Opportunity classes, the site's own CTR curve, trend and score."""

from datetime import date

import pytest

from kundensprache.core.config import OpportunityConfig
from kundensprache.core.models import QueryRow, Term
from kundensprache.matching.match import NO_MATCH, Match, QueryStats, aggregate_queries
from kundensprache.matching.score import CtrCurve, classify, fit_ctr_curve, score, trend_of


def q(query, impressions, clicks, position, page="https://example.de/"):
    return QueryStats(query, clicks, impressions, position, page, {page: impressions})


def term(mentions=10, accounts=5, monthly=None, first=date(2026, 5, 3), key="x"):
    return Term(
        key=key,
        keyword=key,
        language="de",
        mentions=mentions,
        documents=mentions,
        accounts=accounts,
        sources={"call": mentions},
        first_seen=first,
        last_seen=date(2026, 10, 20),
        monthly=monthly or {},
        example="",
        relevance=1.0,
    )


def site_queries(a=0.3, b=1.0):
    """A property whose CTR follows a * pos^-b, with a few queries per position bucket."""
    out = []
    for i, pos in enumerate([1.2, 1.6, 2.2, 2.7, 3.3, 3.6, 4.5, 5.5, 6.5, 7.5, 9, 10, 12, 14]):
        imp = 1000 + 100 * i
        out.append(q(f"q{i}", imp, round(imp * a * pos**-b), pos))
    return out


def test_aggregate_queries_sums_pages_and_weights_position():
    rows = [
        QueryRow("CRM für Handwerker", "https://x.de/a", 10, 1000, 0.01, 10.0),
        QueryRow("crm für  handwerker", "https://x.de/b", 20, 3000, 0.0067, 14.0),
    ]
    (stats,) = aggregate_queries(rows)
    assert stats.query == "crm für handwerker"
    assert stats.impressions == 4000 and stats.clicks == 30
    assert stats.position == pytest.approx(13.0)
    assert stats.top_page == "https://x.de/b"


def test_ctr_curve_is_fit_from_the_site_itself():
    curve = fit_ctr_curve(site_queries(a=0.3, b=1.0))
    assert curve.fitted
    assert curve.expected(3) == pytest.approx(0.1, rel=0.15)
    other = fit_ctr_curve(site_queries(a=0.1, b=0.8))
    assert other.expected(3) < curve.expected(3) / 2  # a weaker site gets a lower baseline


def test_ctr_curve_falls_back_to_default_with_little_data():
    assert not fit_ctr_curve([q("a", 100, 10, 2.0)]).fitted


@pytest.mark.parametrize(
    ("position", "impressions", "clicks", "expected"),
    [
        (2.3, 3000, 540, "covered"),
        (3.1, 5000, 40, "low_ctr"),
        (3.1, 50, 0, "covered"),  # too few impressions to judge a CTR
        (12.4, 2400, 31, "striking_distance"),
        (8.0, 2400, 31, "striking_distance"),
        (20.0, 100, 0, "striking_distance"),
        (35.0, 500, 0, "gap"),  # nobody sees page four
    ],
)
def test_classify(position, impressions, clicks, expected):
    curve = CtrCurve(0.3, 1.0, fitted=True)
    match = Match("exact", [q("x", impressions, clicks, position)])
    assert classify(match, curve, OpportunityConfig()) == expected


def test_classify_no_match_is_gap_and_thresholds_are_configurable():
    curve = CtrCurve(0.3, 1.0, fitted=True)
    assert classify(NO_MATCH, curve, OpportunityConfig()) == "gap"
    match = Match("exact", [q("x", 2000, 200, 6.0)])
    assert classify(match, curve, OpportunityConfig()) == "covered"
    assert (
        classify(match, curve, OpportunityConfig(striking_min_position=5.0)) == "striking_distance"
    )


def test_trend():
    m = "2026-10"
    assert trend_of(term(first=date(2026, 10, 2)), m) == "new"
    assert (
        trend_of(term(monthly={"2026-07": 1, "2026-08": 1, "2026-09": 1, "2026-10": 5}), m)
        == "rising"
    )
    assert (
        trend_of(term(monthly={"2026-07": 4, "2026-08": 4, "2026-09": 4, "2026-10": 1}), m)
        == "falling"
    )
    assert (
        trend_of(term(monthly={"2026-07": 2, "2026-08": 2, "2026-09": 2, "2026-10": 2}), m)
        == "stable"
    )
    # January looks back into the previous year
    assert (
        trend_of(
            term(first=date(2025, 1, 1), monthly={"2025-10": 3, "2025-11": 3, "2025-12": 3}),
            "2026-01",
        )
        == "falling"
    )


def test_score_rewards_demand_and_opportunity():
    kw = dict(max_accounts=20, max_mentions=50, max_impressions=10000)
    strong, weak = term(mentions=40, accounts=15), term(mentions=3, accounts=2)
    assert score(strong, "stable", "gap", NO_MATCH, **kw) > score(
        weak, "stable", "gap", NO_MATCH, **kw
    )
    seen = Match("exact", [q("x", 5000, 400, 3.0)])
    assert score(strong, "stable", "gap", NO_MATCH, **kw) > score(
        strong, "stable", "covered", seen, **kw
    )
    big = Match("exact", [q("x", 9000, 50, 12.0)])
    small = Match("exact", [q("y", 30, 0, 12.0)])
    assert score(strong, "stable", "striking_distance", big, **kw) > score(
        strong, "stable", "striking_distance", small, **kw
    )
    top = term(mentions=50, accounts=20)
    assert score(top, "rising", "gap", NO_MATCH, **kw) == 100.0
    assert 0.0 <= score(weak, "falling", "covered", seen, **kw) <= 100.0


def test_score_prefers_specific_phrases_over_everyday_words():
    kw = dict(max_accounts=20, max_mentions=50, max_impressions=10000)
    everyday, specific = term(mentions=30, accounts=12), term(mentions=30, accounts=12)
    everyday.specificity, specific.specificity = 0.2, 1.0
    assert score(specific, "stable", "gap", NO_MATCH, **kw) > 1.5 * score(
        everyday, "stable", "gap", NO_MATCH, **kw
    )


def test_readme_worked_example_matches_the_code():
    from pathlib import Path

    readme = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")
    crm = term(mentions=9, accounts=7, key="crm handwerker")
    crm.specificity = 0.9
    match = Match("exact", [q("crm für handwerker", 2412, 31, 12.4)])
    value = score(
        crm,
        "rising",
        "striking_distance",
        match,
        max_accounts=12,
        max_mentions=40,
        max_impressions=18000,
    )
    assert f"score   = 100 × 0.782 × 0.949 × 0.93 = {value}" in readme
