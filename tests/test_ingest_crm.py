"""CRM exports: generic notes CSV, presets, Excel, dialects, encodings, bad rows."""

import codecs
from datetime import date, datetime

import pytest
from test_ingest_builders import make_xlsx

from kundensprache.core.config import Config
from kundensprache.ingest import read_file


@pytest.fixture
def config() -> Config:
    return Config()


def _read(tmp_path, name, data: bytes, config):
    path = tmp_path / "crm" / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return read_file(path, "crm", config, inbox=tmp_path)


GERMAN_CSV = (
    "Datum;Firma;Kontakt;Autor;Typ;Notiz\n"
    '14.09.2026;Müller GmbH;Anna Schmidt;Jonas Becker;Anruf;"Kunde wünscht Schnittstelle zu SAP.\n'
    'Anna Schmidt ruft zurück: +49 89 12345678"\n'
    "15.09.2026;Weber AG;Tom Klein;Jonas Becker;Mail;Preis zu hoch für kleine Teams\n"
)


def test_generic_german_csv_with_multiline_cell(tmp_path, config):
    result = _read(tmp_path, "export.csv", GERMAN_CSV.encode("utf-8"), config)
    assert result.status == "accepted", result.reason
    first, second = result.documents
    assert (first.account, first.date, first.source) == ("Müller GmbH", date(2026, 9, 14), "crm")
    assert first.segments[0].role == "unknown"
    assert (
        first.segments[0].text
        == "Kunde wünscht Schnittstelle zu SAP.\n[NAME] ruft zurück: [TELEFON]"
    )
    assert (second.account, second.date) == ("Weber AG", date(2026, 9, 15))


@pytest.mark.parametrize(
    ("encode", "label"),
    [
        (lambda t: codecs.BOM_UTF8 + t.encode("utf-8"), "utf-8 with BOM"),
        (lambda t: t.encode("cp1252"), "cp1252"),
        (lambda t: t.encode("latin-1"), "latin-1"),
        (lambda t: t.encode("utf-16"), "utf-16 (Excel Unicode text)"),
    ],
)
def test_encodings(tmp_path, config, encode, label):
    text = "Datum;Firma;Notiz\n01.10.2026;Bäckerei Grün;Größere Filialen brauchen Übersicht\n"
    result = _read(tmp_path, "enc.csv", encode(text), config)
    assert result.status == "accepted", (label, result.reason)
    (doc,) = result.documents
    assert doc.account == "Bäckerei Grün", label
    assert doc.segments[0].text == "Größere Filialen brauchen Übersicht", label


@pytest.mark.parametrize("delimiter", [",", ";", "\t", "|"])
def test_delimiter_sniffing(tmp_path, config, delimiter):
    rows = [["date", "company", "note"], ["2026-10-01", "Acme, Inc.", "Needs SSO; asked twice"]]
    text = "\n".join(delimiter.join(f'"{c}"' for c in row) for row in rows) + "\n"
    (doc,) = _read(tmp_path, "d.csv", text.encode(), config).documents
    assert (doc.account, doc.segments[0].text) == ("Acme, Inc.", "Needs SSO; asked twice")


def test_excel_sep_hint_line(tmp_path, config):
    text = "sep=;\nDate;Account;Note\n2026-10-02;Initech;Wants a TPS report export\n"
    (doc,) = _read(tmp_path, "s.csv", text.encode(), config).documents
    assert doc.account == "Initech"


def test_html_in_note_cells_becomes_text(tmp_path, config):
    text = (
        'date,account,content\n2026-10-03,Globex,"<p>Kunde fragt nach <b>Preisstaffeln</b>'
        '&nbsp;&amp; Rabatten.</p><ul><li>DATEV-Export</li><li>Mandantenfähigkeit</li></ul>"\n'
    )
    (doc,) = _read(tmp_path, "h.csv", text.encode(), config).documents
    body = doc.segments[0].text
    assert "<" not in body and "&amp;" not in body
    assert "Preisstaffeln" in body and "& Rabatten" in body
    assert "DATEV-Export\nMandantenfähigkeit" in body


def test_ragged_rows_are_skipped_counted_and_good_rows_kept(tmp_path, config):
    text = (
        "Datum;Firma;Notiz\n01.10.2026;A GmbH;Erste gute Notiz\n02.10.2026;B GmbH\n"
        "03.10.2026;C GmbH;Zweite gute Notiz\n04.10.2026;D GmbH;zu;viele;Zellen\n"
        "05.10.2026;E GmbH;Dritte gute Notiz;\n"
    )
    result = _read(tmp_path, "r.csv", text.encode(), config)
    assert result.status == "accepted"
    assert [d.account for d in result.documents] == ["A GmbH", "C GmbH", "E GmbH"]
    assert "2 ragged row(s) skipped" in result.reason and "line 3, 5" in result.reason


def test_column_mapping_from_config(tmp_path, config):
    text = "Wann;Wer;Was genau\n01.10.2026;Hooli;Kunde braucht ein Dashboard für Filialen\n"
    rejected = _read(tmp_path, "m.csv", text.encode(), config)
    assert rejected.status == "rejected"
    assert "no recognisable text column" in rejected.reason and "Was genau" in rejected.reason
    config.ingest.crm_columns = {"text": "Was genau", "account": "Wer", "date": "Wann"}
    (doc,) = _read(tmp_path, "m2.csv", text.encode(), config).documents
    assert (doc.account, doc.date) == ("Hooli", date(2026, 10, 1))
    config.ingest.crm_columns = {"text": "Notizfeld"}
    bad = _read(tmp_path, "m3.csv", text.encode(), config)
    assert bad.status == "rejected" and "'Notizfeld'" in bad.reason


def test_pipedrive_notes_export(tmp_path, config):
    text = (
        "Note - ID,Note - Content,Note - Add time,Note - User,Note - Organization,Note - Person,"
        "Note - Deal\n"
        '17,"<p>Interessent will <b>Lagerverwaltung</b> mit Barcode-Scanner</p>",'
        "2026-09-21 14:03:11,Jonas Becker,Schulz Logistik GmbH,Petra Lange,Lager 2027\n"
    )
    (doc,) = _read(tmp_path, "pipedrive.csv", text.encode(), config).documents
    assert doc.account == "Schulz Logistik GmbH" and doc.date == date(2026, 9, 21)
    assert doc.segments[0].text == "Interessent will Lagerverwaltung mit Barcode-Scanner"
    assert doc.title == "Lager 2027"


def test_pipedrive_api_style_columns(tmp_path, config):
    text = "id,content,add_time,org_name,person_name\n5,Kunde vergleicht mit Excel,2026-09-22 08:00:00,Kraft AG,Eva Roth\n"
    (doc,) = _read(tmp_path, "pd.csv", text.encode(), config).documents
    assert (doc.account, doc.date) == ("Kraft AG", date(2026, 9, 22))


def test_hubspot_notes_export(tmp_path, config):
    text = (
        "Record ID,Activity date,Activity assigned to,Note body,Associated Company,"
        "Associated Contact\n"
        '901,2026-09-23 10:15,Lea Wagner,"<div>Customer said the <i>approval workflow</i> takes '
        'days. Call Eva Roth (eva.roth@kraft.example) back.</div>",Kraft AG,Eva Roth\n'
    )
    (doc,) = _read(tmp_path, "hubspot.csv", text.encode(), config).documents
    assert (doc.account, doc.date) == ("Kraft AG", date(2026, 9, 23))
    assert (
        doc.segments[0].text
        == "Customer said the approval workflow takes days. Call [NAME] ([E-MAIL]) back."
    )
    assert doc.language == "en"


def test_salesforce_note_export(tmp_path, config):
    text = (
        '"Id","IsDeleted","ParentId","Title","IsPrivate","Body","OwnerId","CreatedDate"\n'
        '"0022X00000AbCdE","false","0012X00000XyZaB","Discovery","false",'
        '"Prospect asked for SAP integration and role-based access.","0052X000001",'
        '"2026-09-24T09:30:00.000Z"\n'
    )
    (doc,) = _read(tmp_path, "Note.csv", text.encode(), config).documents
    assert (doc.account, doc.date, doc.title) == ("0012X00000XyZaB", date(2026, 9, 24), "Discovery")


def test_salesforce_activity_report(tmp_path, config):
    text = (
        "Subject,Date,Assigned,Company / Account,Contact,Comments\n"
        "Call,9/25/2026,Jonas Becker,Hooli,Gavin Belson,Wants single sign-on for the field team\n"
    )
    (doc,) = _read(tmp_path, "activities.csv", text.encode(), config).documents
    assert (doc.account, doc.date, doc.title) == ("Hooli", date(2026, 9, 25), "Call")


def test_explicit_preset_overrides_detection(tmp_path, config):
    config.ingest.crm_preset = "nonexistent"
    bad = _read(tmp_path, "x.csv", b"note\nhello world text\n", config)
    assert bad.status == "rejected" and "unknown [ingest] crm_preset" in bad.reason


def test_xlsx_export_with_dates_and_second_sheet(tmp_path, config):
    data = make_xlsx(
        [
            ["Datum", "Firma", "Kontakt", "Notiz"],
            [datetime(2026, 9, 26, 11, 0), "Stark Industries", "Pepper Potts",
             "Kunde will Wartungsverträge digital verwalten.\nPepper Potts entscheidet."],
            [None, None, None, None],
            ["27.09.2026", "Wayne Enterprises", "", "Angebot für 40 Lizenzen gewünscht"],
        ],
        extra_sheet_first=True,
    )  # fmt: skip
    result = _read(tmp_path, "export.xlsx", data, config)
    assert result.status == "accepted", result.reason
    first, second = result.documents
    assert (first.date, first.account) == (date(2026, 9, 26), "Stark Industries")
    assert (
        first.segments[0].text
        == "Kunde will Wartungsverträge digital verwalten.\n[NAME] entscheidet."
    )
    assert second.date == date(2026, 9, 27)
