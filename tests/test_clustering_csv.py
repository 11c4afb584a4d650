"""`cluster_csv` on files an SEO would bring: exports, keyword lists, odd encodings, bad input."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest

from kundensprache.clustering import CsvInputError, cluster_csv
from kundensprache.core.config import Config
from kundensprache.store.db import Store

GSC_EXPORT_DE = """\ufeffHäufigste Suchanfragen;Klicks;Impressionen;CTR;Position
crm schnittstelle sap;12;480;2,5 %;8,4
sap anbindung crm;5;310;1,61 %;11,2
crm sap integration;3;150;2 %;9,9
crm mit sap verbinden;1;95;1,05 %;14,1
crm software preise;20;1.250;1,6 %;6,3
crm kosten pro nutzer;9;640;1,41 %;7,2
was kostet ein crm;4;410;0,98 %;12,5
crm lizenz preis;2;120;1,67 %;9,1
crm dsgvo konform;7;520;1,35 %;5,9
crm datenschutz deutschland;3;260;1,15 %;8,8
crm hosting deutschland dsgvo;2;140;1,43 %;10,4
crm server standort deutschland;1;70;1,43 %;13,0
crm app android;6;300;2 %;7,7
crm app offline;2;90;2,22 %;12,3
mobile crm app außendienst;4;210;1,9 %;9,6
crm iphone app;3;160;1,88 %;8,1
"""

KEYWORDS_EN = """keyword,search volume
crm pricing,2400
crm cost per user,880
how much does a crm cost,590
crm license price,320
crm sap integration,260
connect crm to sap,140
sap crm connector,110
crm sap interface,90
gdpr compliant crm,390
crm data privacy,210
crm hosted in eu,170
crm gdpr,480
,
crm mobile app,720
crm app offline,140
crm android app,210
crm iphone app,260
"""


def _rows(path: Path) -> list[list[str]]:
    text = path.read_text(encoding="utf-8-sig")
    delim = ";" if text.splitlines()[0].count(";") else ","
    return list(csv.reader(io.StringIO(text), delimiter=delim))


def _group_of(rows: list[list[str]], col: int) -> dict[str, str]:
    return {r[col]: r[-2] for r in rows[1:] if r[col]}


def _check_groups(groups: dict[str, str], families: list[list[str]]) -> None:
    """Phrases of one family share a cluster; different families do not."""
    majority = []
    for family in families:
        ids = [groups[p] for p in family]
        top = max(sorted(set(ids)), key=ids.count)
        assert ids.count(top) >= len(family) - 1, (family, ids)
        majority.append(top)
    assert len(set(majority)) == len(families), majority


def test_german_search_console_export_with_semicolons_and_bom(tmp_path):
    src = tmp_path / "Suchanfragen.csv"
    src.write_bytes(GSC_EXPORT_DE.encode("utf-8"))
    out = cluster_csv(src, None, None, Config())
    assert out == tmp_path / "Suchanfragen.clustered.csv"
    assert out.read_bytes().startswith(b"\xef\xbb\xbf")  # Excel-friendly UTF-8
    rows = _rows(out)
    original = list(csv.reader(io.StringIO(GSC_EXPORT_DE.lstrip("\ufeff")), delimiter=";"))
    assert rows[0] == [*original[0], "cluster_id", "cluster_label"]
    assert [r[:-2] for r in rows] == original  # every row back, unchanged, in order
    lines = GSC_EXPORT_DE.lstrip("\ufeff").splitlines()[1:]
    queries = [line.split(";")[0] for line in lines]
    _check_groups(_group_of(rows, 0), [queries[0:4], queries[4:8], queries[8:12], queries[12:16]])
    for r in rows[1:]:
        assert r[-2].startswith("C") and r[-1]
    # Labels are real queries; impressions weigh the label toward the most searched one.
    sap_label = next(r[-1] for r in rows if r[0] == "crm schnittstelle sap")
    assert sap_label in queries


def test_keyword_list_is_deterministic_and_keeps_empty_rows(tmp_path):
    src = tmp_path / "keywords.csv"
    src.write_text(KEYWORDS_EN, encoding="utf-8")
    store = Store(tmp_path / "s.sqlite")
    first = cluster_csv(src, "Keyword", tmp_path / "out" / "a.csv", Config(), cache=store)
    second = cluster_csv(src, None, tmp_path / "out" / "b.csv", Config(), cache=store)
    assert first.read_bytes() == second.read_bytes()
    rows = _rows(first)
    assert len(rows) == KEYWORDS_EN.count("\n")  # header + every data row, the empty one too
    empty = [r for r in rows if not r[0]]
    assert empty == [["", "", "", ""]]
    kws = [line.split(",")[0] for line in KEYWORDS_EN.splitlines()[1:] if line != ","]
    _check_groups(_group_of(rows, 0), [kws[0:4], kws[4:8], kws[8:12], kws[12:16]])


def test_bare_keyword_list_without_header_cp1252_and_tabs(tmp_path):
    src = tmp_path / "liste.csv"
    words = ["Lizenzkosten CRM", "CRM Preis pro Nutzer", "Schnittstelle SAP", "SAP Anbindung"]
    src.write_bytes("\n".join(words).encode("cp1252"))
    rows = _rows(cluster_csv(src, None, None, Config()))
    assert rows[0] == ["keyword", "cluster_id", "cluster_label"]
    assert [r[0] for r in rows[1:]] == words  # the first keyword is data, not a header

    tabbed = tmp_path / "export.tsv"
    tabbed.write_bytes("Begriff\tVolumen\nÜberweisung prüfen\t10\nKündigung\t5\n".encode("cp1252"))
    out = cluster_csv(tabbed, None, tmp_path / "tabbed.csv", Config())
    text = out.read_text(encoding="utf-8-sig")
    assert text.splitlines()[0] == "Begriff\tVolumen\tcluster_id\tcluster_label"
    assert "Überweisung prüfen\t10\t" in text


def test_google_ads_utf16_export_with_title_lines(tmp_path):
    src = tmp_path / "Keyword Stats.csv"
    content = (
        "Keyword Stats 2026-05-01\nAll locations\n"
        "Keyword\tCurrency\tAvg. monthly searches\n"
        "crm pricing\tEUR\t2400\ncrm cost per user\tEUR\t880\n"
        "sap crm connector\tEUR\t110\ncrm sap integration\tEUR\t260\n"
    )
    src.write_bytes(content.encode("utf-16"))
    rows = _rows(cluster_csv(src, None, None, Config()))
    assert rows[0][0] == "Keyword\tCurrency\tAvg. monthly searches\tcluster_id\tcluster_label"
    assert [r[0].split("\t")[0] for r in rows[1:]] == [
        "crm pricing",
        "crm cost per user",
        "sap crm connector",
        "crm sap integration",
    ]


def test_clear_errors_name_the_file_and_its_columns(tmp_path):
    with pytest.raises(CsvInputError, match="missing.csv: file not found"):
        cluster_csv(tmp_path / "missing.csv", None, None, Config())
    empty = tmp_path / "empty.csv"
    empty.write_text("\n\n", encoding="utf-8")
    with pytest.raises(CsvInputError, match="empty.csv: the file is empty"):
        cluster_csv(empty, None, None, Config())
    numbers = tmp_path / "numbers.csv"
    numbers.write_text("Klicks;Impressionen\n1;2\n3;4\n", encoding="utf-8")
    with pytest.raises(
        CsvInputError, match=r"numbers.csv: found no text column.*Klicks, Impressionen"
    ):
        cluster_csv(numbers, None, None, Config())
    src = tmp_path / "k.csv"
    src.write_text("keyword,volume\ncrm,1\n", encoding="utf-8")
    with pytest.raises(CsvInputError, match=r"k.csv: no column 'Suchbegriff'.*keyword, volume"):
        cluster_csv(src, "Suchbegriff", None, Config())
    blank = tmp_path / "blank.csv"
    blank.write_text("keyword,volume\n,1\n,2\n", encoding="utf-8")
    with pytest.raises(CsvInputError, match="blank.csv: column 'keyword' has no text"):
        cluster_csv(blank, None, None, Config())
    done = tmp_path / "done.csv"
    done.write_text("keyword,cluster_id,cluster_label\ncrm,C0001,crm\n", encoding="utf-8")
    with pytest.raises(CsvInputError, match="done.csv: already has column"):
        cluster_csv(done, None, None, Config())
    assert not list(tmp_path.glob("*.clustered.csv"))  # nothing half-written
