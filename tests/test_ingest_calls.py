"""Call notes and transcripts: headers, speaker roles, Word files, WebVTT and SubRip."""

from datetime import date
from pathlib import Path

import pytest
from test_ingest_builders import make_docx

from kundensprache.core.config import Config
from kundensprache.ingest import read_file
from kundensprache.ingest.pseudonyms import pseudonym


@pytest.fixture
def config() -> Config:
    config = Config()
    config.company.domains = ["kundensprache-demo.de"]
    config.company.people = ["Jonas Becker", "Lea Wagner"]
    return config


def _read(tmp_path: Path, name: str, content, config: Config, source: str = "call"):
    path = tmp_path / "calls" / name
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(content, str):
        path.write_text(content, encoding="utf-8")
    else:
        path.write_bytes(content)
    return read_file(path, source, config, inbox=tmp_path)


def _roles(result):
    return [(s.role, s.text) for d in result.documents for s in d.segments]


GERMAN_NOTE = """Datum: 14.09.2026
Firma: Müller Maschinenbau GmbH
Art: Erstgespräch
Teilnehmer: Anna Schmidt (Einkauf), Jonas Becker

Kunde: Wir pflegen unsere Kundendaten doppelt, im ERP und in Excel.
Vertrieb: Welche Schnittstelle brauchen Sie?
Kunde: Eine Schnittstelle zu SAP Business One. Frau Schmidt fragt nach Lizenzkosten.
Das ist uns wichtig.
"""


def test_german_note_header_and_labelled_turns(tmp_path, config):
    result = _read(tmp_path, "mueller.txt", GERMAN_NOTE, config)
    assert result.status == "accepted", result.reason
    (doc,) = result.documents
    assert doc.file == "calls/" + pseudonym("mueller") + ".txt"  # a surname: pseudonymised
    assert doc.account == "Müller Maschinenbau GmbH"
    assert doc.date == date(2026, 9, 14)
    assert doc.language == "de"
    assert doc.source == "call"
    roles = _roles(result)
    assert [r for r, _ in roles] == ["customer", "rep", "customer"]
    assert roles[2][1].endswith("Frau [NAME] fragt nach Lizenzkosten.\nDas ist uns wichtig.")
    assert "Datum" not in doc.customer_text() and "Schmidt" not in doc.customer_text()


def test_english_header_and_sales_customer_labels(tmp_path, config):
    note = (
        "Date: 2026-10-02\nAccount: Northwind Ltd\nType: Discovery call\n\n"
        "Customer: We still export leads to spreadsheets every Friday.\n"
        "Sales: How many users?\nCustomer: About forty sales reps across three sites.\n"
    )
    result = _read(tmp_path, "northwind.md", note, config)
    (doc,) = result.documents
    assert (doc.account, doc.date, doc.language) == ("Northwind Ltd", date(2026, 10, 2), "en")
    assert [r for r, _ in _roles(result)] == ["customer", "rep", "customer"]


def test_named_speakers_staff_are_rep_others_customer(tmp_path, config):
    transcript = (
        "Anna Schmidt: Wir haben Dubletten im Kundenstamm.\n"
        "Jonas Becker: Seit wann?\n"
        "Anna Schmidt (Müller GmbH): Seit der Migration, Anna Schmidt hat keine Zeit dafür.\n"
        "[00:12:03] Lea Wagner: Das lösen wir mit dem Dublettencheck.\n"
    )
    result = _read(tmp_path, "2026-09-20 call.txt", transcript, config)
    roles = _roles(result)
    assert [r for r, _ in roles] == ["customer", "rep", "customer", "rep"]
    assert roles[2][1] == "Seit der Migration, [NAME] hat keine Zeit dafür."
    assert result.documents[0].date == date(2026, 9, 20)  # from the file name


def test_untagged_note_gets_default_role_and_sections_are_not_speakers(tmp_path, config):
    note = "Kunde sucht Datenpflege im CRM.\nFazit: Budget erst Q1.\nNächste Schritte: Demo.\n"
    result = _read(tmp_path, "note.txt", note, config)
    assert _roles(result) == [("unknown", note.strip())]
    config.ingest.default_note_role = "customer"
    assert _roles(_read(tmp_path, "note2.txt", note, config))[0][0] == "customer"


def test_markdown_is_stripped_and_heading_becomes_title(tmp_path, config):
    note = (
        "# Gesprächsnotiz Weber Logistik\n\n**Datum:** 2. Oktober 2026\n**Firma:** Weber AG\n\n"
        "- Kunde sucht eine **Datenpflege im CRM** ohne [Doppelerfassung](https://x.de)\n"
        "- Entscheidung durch Herrn Dr. Weber\n"
    )
    (doc,) = _read(tmp_path, "weber.md", note, config).documents
    assert doc.title == "Gesprächsnotiz Weber Logistik"
    assert (doc.account, doc.date) == ("Weber AG", date(2026, 10, 2))
    text = doc.customer_text()
    assert "Kunde sucht eine Datenpflege im CRM ohne Doppelerfassung" in text
    assert "**" not in text and "Herrn Dr. [NAME]" in text


def test_docx_note_with_heading_and_table(tmp_path, config):
    data = make_docx(
        ["# Besuchsbericht Schulz Metall", "Kunde: Die Angebotserstellung dauert zu lange.",
         "Vertrieb: Wir zeigen die Vorlagen.", "Kunde: Gern, mit Preisstaffeln bitte."],
        table=[("Datum", "03.11.2026"), ("Firma", "Schulz Metall KG")],
    )  # fmt: skip
    result = _read(tmp_path, "besuch.docx", data, config)
    assert result.status == "accepted", result.reason
    (doc,) = result.documents
    assert doc.title == "Besuchsbericht Schulz Metall"
    assert [r for r, _ in _roles(result)] == ["customer", "rep", "customer"]
    assert "Preisstaffeln" in doc.customer_text()


def test_docx_header_table_before_body(tmp_path, config):
    data = make_docx(["Der Kunde möchte Vertriebsberichte automatisch."],
                     table=[("Datum", "03.11.2026"), ("Firma", "Schulz Metall KG")])  # fmt: skip
    (doc,) = _read(tmp_path, "b.docx", data, config).documents
    assert "Vertriebsberichte" in doc.customer_text()


VTT = """WEBVTT

NOTE exported from Teams

1
00:00:01.000 --> 00:00:04.500
<v Anna Schmidt>Unsere Außendienstler tippen alles doppelt ab.</v>

2
00:00:04.500 --> 00:00:07.000
<v Anna Schmidt>Das kostet jede Woche Stunden.</v>

3
00:00:07.000 --> 00:00:09.000
<v Jonas Becker>Welche Geräte nutzen die Kollegen?</v>

4
00:00:09.000 --> 00:00:12.000
<v.loud Anna Schmidt>Nur iPads, <i>offline</i> meistens.</v>
"""


def test_vtt_voice_tags(tmp_path, config):
    result = _read(tmp_path, "2026-09-30_teams.vtt", VTT, config)
    roles = _roles(result)
    assert [r for r, _ in roles] == ["customer", "rep", "customer"]
    assert (
        roles[0][1]
        == "Unsere Außendienstler tippen alles doppelt ab.\nDas kostet jede Woche Stunden."
    )
    assert roles[2][1] == "Nur iPads, offline meistens."
    assert result.documents[0].date == date(2026, 9, 30)


def test_vtt_zoom_style_name_prefix(tmp_path, config):
    vtt = (
        "WEBVTT\n\n00:00:01.000 --> 00:00:03.000\nKunde: Der Export nach Excel ist kaputt.\n\n"
        "00:00:03.000 --> 00:00:05.000\nVertrieb: Seit dem Update?\n"
    )
    assert [r for r, _ in _roles(_read(tmp_path, "zoom.vtt", vtt, config))] == ["customer", "rep"]


def test_srt_with_name_labels_and_brackets(tmp_path, config):
    srt = (
        "1\n00:00:01,000 --> 00:00:03,000\nTom Baker: We need a Salesforce connector.\n\n"
        "2\n00:00:03,000 --> 00:00:05,000\n[Lea Wagner] Which objects do you sync?\n\n"
        "3\n00:00:05,000 --> 00:00:08,000\nTom Baker: Accounts and\nopportunities, nightly.\n"
    )
    result = _read(tmp_path, "call.srt", srt, config)
    roles = _roles(result)
    assert [r for r, _ in roles] == ["customer", "rep", "customer"]
    assert roles[2][1] == "Accounts and opportunities, nightly."
    assert result.documents[0].language == "en"


def test_header_kunde_is_account_only_inside_a_header_block(tmp_path, config):
    note = "Datum: 01.10.2026\nKunde: Bäckerei Huber\n\nKunde: Wir wollen Bestellungen per App.\n"
    (doc,) = _read(tmp_path, "huber.txt", note, config).documents
    assert doc.account == "Bäckerei Huber"
    assert doc.segments[0].role == "customer"
    assert doc.segments[0].text == "Wir wollen Bestellungen per App."


def test_sidecar_from_upload_app(tmp_path, config):
    path = tmp_path / "calls" / "upload_1.txt"
    path.parent.mkdir(parents=True)
    path.write_text("Wir brauchen mehr Übersicht über offene Angebote.", encoding="utf-8")
    (tmp_path / "calls" / "upload_1.txt.meta.json").write_text(
        '{"source": "call", "account": "Huber GmbH", "date": "2026-08-31", '
        '"speaker_role": "customer", "uploaded_by": "Lea Wagner", "original_name": "notiz.txt"}',
        encoding="utf-8",
    )
    (doc,) = read_file(path, "call", config, inbox=tmp_path).documents
    assert (doc.account, doc.date) == ("Huber GmbH", date(2026, 8, 31))
    assert doc.segments[0].role == "customer"


def test_note_without_own_date_uses_file_modification_time(tmp_path, config):
    path = tmp_path / "calls" / "ohne-datum.txt"
    path.parent.mkdir(parents=True)
    path.write_text("Kunde möchte eine Testphase.", encoding="utf-8")
    import os

    os.utime(path, (1_780_000_000, 1_780_000_000))  # 2026-05-28
    (doc,) = read_file(path, "call", config, inbox=tmp_path).documents
    assert doc.date == date.fromtimestamp(1_780_000_000)


def test_other_languages_are_kept_and_labelled(tmp_path, config):
    note = "Le client souhaite une interface avec son logiciel de comptabilité et un export PDF."
    (doc,) = _read(tmp_path, "fr.txt", note, config).documents
    assert doc.language == "fr"


def test_surname_seen_with_first_name_is_redacted_alone_in_the_same_note(tmp_path, config):
    note = (
        "(Vor Ort. Kunde = Anja Schneider, GF)\n\n"
        "Der Testzugang für Schneider läuft, die Bauleiter sind begeistert.\n"
    )
    (doc,) = _read(tmp_path, "schneider.txt", note, config).documents
    text = doc.customer_text()
    assert "Schneider" not in text and "Anja" not in text
    assert "Der Testzugang für [NAME] läuft" in text
