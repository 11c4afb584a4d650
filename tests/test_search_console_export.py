"""The UI export reader: both UI languages, both number styles, zips, API-style CSVs."""

import zipfile

import pytest

from kundensprache.search_console.export import (
    ExportError,
    find_exports,
    read_export,
    read_month_exports,
)

GERMAN = (
    "Häufigste Suchanfragen,Klicks,Impressionen,CTR,Position\n"
    'crm für handwerker,31,2400,"1,29 %","12,4"\n'
    'zeiterfassung app,540,3000,"18 %","2,3"\n'
)
ENGLISH = (
    "Top queries,Clicks,Impressions,CTR,Position\n"
    "crm for craftsmen,12,1200,1%,9.8\n"
    "field service app,1,234,0.43%,25.1\n"
)


def test_german_export_with_german_decimals(tmp_path):
    path = tmp_path / "Suchanfragen.csv"
    path.write_text(GERMAN, encoding="utf-8-sig")  # with BOM, as the UI writes it
    rows = read_export(path)
    assert [r.query for r in rows] == ["crm für handwerker", "zeiterfassung app"]
    assert rows[0].clicks == 31 and rows[0].impressions == 2400
    assert rows[0].ctr == pytest.approx(0.0129)
    assert rows[0].position == pytest.approx(12.4)
    assert rows[1].ctr == pytest.approx(0.18)


def test_english_export(tmp_path):
    path = tmp_path / "Queries.csv"
    path.write_text(ENGLISH, encoding="utf-8")
    rows = read_export(path)
    assert rows[1].position == pytest.approx(25.1)
    assert rows[1].ctr == pytest.approx(0.0043)


def test_api_style_csv_with_pages_and_thousands(tmp_path):
    path = tmp_path / "api.csv"
    path.write_text(
        "query;page;clicks;impressions;ctr;position\n"
        "lagerverwaltungssoftware;https://example.de/lager;40;5.000;0,008;3,1\n",
        encoding="cp1252",
    )
    (row,) = read_export(path)
    assert row.page == "https://example.de/lager"
    assert row.impressions == 5000 and row.ctr == pytest.approx(0.008)


def test_ui_zip_is_read_and_dated_by_its_dates_csv(tmp_path):
    path = tmp_path / "example.de-Performance-on-Search.zip"
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("Queries.csv", ENGLISH)
        zf.writestr(
            "Dates.csv",
            "Date,Clicks,Impressions,CTR,Position\n2026-10-01,1,2,50%,3\n2026-10-31,1,2,50%,3\n",
        )
    assert [e.path for e in find_exports(tmp_path, "2026-10")] == [path]
    assert find_exports(tmp_path, "2026-09") == []
    assert len(read_export(path)) == 2


def test_dated_file_names_pick_the_month_undated_are_the_fallback(tmp_path):
    (tmp_path / "2026-09_Queries.csv").write_text(ENGLISH, encoding="utf-8")
    (tmp_path / "2026-10_Queries.csv").write_text(GERMAN, encoding="utf-8")
    (tmp_path / "Queries.csv").write_text(ENGLISH, encoding="utf-8")
    rows, problems = read_month_exports(tmp_path, "2026-10")
    assert [r.query for r in rows] == ["crm für handwerker", "zeiterfassung app"]
    rows, _ = read_month_exports(tmp_path, "2026-08")
    assert [r.query for r in rows] == ["crm for craftsmen", "field service app"]


def test_bad_export_is_named_and_does_not_hide_good_ones(tmp_path):
    (tmp_path / "Queries.csv").write_text(GERMAN, encoding="utf-8")
    (tmp_path / "notes.csv").write_text("Name,Comment\nfoo,bar\n", encoding="utf-8")
    rows, problems = read_month_exports(tmp_path, "2026-10")
    assert len(rows) == 2
    assert len(problems) == 1
    assert "notes.csv" in problems[0] and "missing column" in problems[0]


def test_broken_number_names_file_and_line(tmp_path):
    path = tmp_path / "Queries.csv"
    path.write_text("Top queries,Clicks,Impressions,CTR,Position\nfoo,many,10,1%,3\n")
    with pytest.raises(ExportError, match=r"Queries.csv: line 2: 'many' is not a number"):
        read_export(path)


def test_empty_and_corrupt_files(tmp_path):
    empty = tmp_path / "Queries.csv"
    empty.write_bytes(b"")
    with pytest.raises(ExportError, match="empty"):
        read_export(empty)
    bad_zip = tmp_path / "export.zip"
    bad_zip.write_bytes(b"PK\x03\x04 not really")
    with pytest.raises(ExportError, match="not a valid zip"):
        read_export(bad_zip)
