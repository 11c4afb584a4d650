"""Real Search Console UI exports (tests/fixtures/search_console): which export feeds a
month, and a verdict for every file."""

import shutil
from pathlib import Path

from kundensprache.search_console.export import parse_export_text
from kundensprache.search_console.export_scan import month_exports

FIXTURES = Path(__file__).parent / "fixtures" / "search_console"


def _inbox(tmp_path, *folders):
    root = tmp_path / "search_console"
    for folder in folders:
        shutil.copytree(FIXTURES / folder, root / folder)
    return root


def test_a_twelve_month_export_is_never_used_as_one_month(tmp_path):
    root = _inbox(tmp_path, "uagc-last-12-months")
    rows, verdicts = month_exports(root, "2025-06")
    assert rows == []
    by_name = {Path(v.file).name: v for v in verdicts}
    assert set(by_name) == {"Queries.csv", "Pages.csv", "Dates.csv", "Filters.csv"}
    queries = by_name["Queries.csv"]
    assert queries.status == "rejected"
    assert "2024-07-12..2025-07-11" in queries.reason and "13 month(s)" in queries.reason
    assert "Custom" in queries.reason and "first and last day" in queries.reason
    assert by_name["Pages.csv"].status == "rejected"
    assert "not a Queries table" in by_name["Pages.csv"].reason


def test_an_export_across_a_month_boundary_is_not_that_month(tmp_path):
    root = _inbox(tmp_path, "hci-2025-03-17_2025-04-19")
    rows, verdicts = month_exports(root, "2025-04")
    assert rows == []
    (queries,) = [v for v in verdicts if v.file.endswith("Queries.csv")]
    assert queries.status == "rejected" and "more than 2025-04" in queries.reason
    _, verdicts = month_exports(root, "2025-09")
    (queries,) = [v for v in verdicts if v.file.endswith("Queries.csv")]
    assert "not 2025-09" in queries.reason


def test_a_one_month_export_feeds_the_month_and_says_so(tmp_path):
    root = _inbox(tmp_path, "hci-2025-03-17_2025-04-19")
    dates = root / "hci-2025-03-17_2025-04-19" / "Dates.csv"
    lines = dates.read_text().splitlines()
    dates.write_text("\n".join(ln for ln in lines if not ln.startswith("2025-03")) + "\n")
    rows, verdicts = month_exports(root, "2025-04")
    assert [r.query for r in rows][:3] == ["hci direct", "hcidirect", "hci chairs"]
    (queries,) = [v for v in verdicts if v.file.endswith("Queries.csv")]
    assert queries.status == "accepted" and queries.feeds
    assert "for 2025-04: 7 queries" in queries.reason


def test_queries_with_quotes_and_commas_read_right():
    text = (
        'Top queries,Clicks,Impressions,CTR,Position\n"""indrive""",3,120,2.5%,8.1\n'
        '"resize image, keep ratio",3,150,2%,14\nfoo,1,2,50%,3\n'
    )
    rows = parse_export_text(text)
    assert [r.query for r in rows] == ['"indrive"', "resize image, keep ratio", "foo"]
