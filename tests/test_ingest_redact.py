"""Redaction: each kind of personal data becomes its placeholder; business text survives."""

import pytest

from kundensprache.ingest.redact import redact

PII_CASES = [
    # (text, the personal part, placeholder)
    ("Bitte an anna.schmidt@mueller-gmbh.de schicken", "anna.schmidt@mueller-gmbh.de", "[E-MAIL]"),
    # issue 12: library detectors and the spellings the first version missed
    ("ruf an unter 0171.9876543 bitte", "9876543", "[TELEFON]"),
    ("Tel (0 89) 2 33-4 56 77 ab 9", "33-4 56 77", "[TELEFON]"),
    ("Zürich 044 668 18 00 anrufen", "668 18 00", "[TELEFON]"),
    ("IBAN DE75-5121-0800-… fehlt noch", "5121-0800", "[IBAN]"),
    ("Karte 4111 1111 1111 1111 belastet", "1111 1111 1111", "[KARTE]"),
    ("Steuer-ID 65 929 970 489 liegt vor", "65 929 970 489", "[NUMMER]"),
    ("SSN 078-05-1120 on file", "078-05-1120", "[NUMMER]"),
    ("Kundennr. KD-448812, Vertragsnummer: V-2026/118", "448812", "[NUMMER]"),
    ("Vertragsnummer: V-2026/118 bitte", "V-2026/118", "[NUMMER]"),
    ("geb. 03.04.1981 in Graz", "03.04.1981", "[GEBURTSDATUM]"),
    ("Mail fenja dot rasmussen at gmx dot de", "rasmussen", "[E-MAIL]"),
    ("an o.thamsen@elbwerk .de schicken", "thamsen", "[E-MAIL]"),
    ("an jorunn.vestergaard＠posteo.de schicken", "vestergaard", "[E-MAIL]"),
    ("Link mailto:ilka.brennecke%40web.de", "brennecke", "[E-MAIL]"),
    ("Mariahilfer Straße 88/3/12, 1070 Wien", "88/3/12", "[ADRESSE]"),
    ("Seefeldstrasse 214, 8008 Zürich", "Seefeldstrasse 214", "[ADRESSE]"),
    ("Lieferung Schlehenring 4, 76185 Karlsruhe", "Schlehenring", "[ADRESSE]"),
    ("siehe https://www.kanzlei.de/team/jolanta-grzybowska", "grzybowska", "[URL]"),
    ("Rückruf an frau lindqvist morgen", "lindqvist", "[NAME]"),
    ("Herr von Weizsäcker will ein Angebot", "Weizsäcker", "[NAME]"),
    ("laut M. Vollstedt passt das", "Vollstedt", "[NAME]"),
    ("Mr. O'Sullivan-Grant called twice", "Sullivan", "[NAME]"),
    ("Frau Dr. Hagedorn-Pichler sagt zu", "Hagedorn", "[NAME]"),
    ("Mail: jonas (at) firma.de", "jonas (at) firma.de", "[E-MAIL]"),
    ("Mail: jonas[at]firma[dot]de", "jonas[at]firma[dot]de", "[E-MAIL]"),
    ("Handy +49 171 9876543 bitte", "9876543", "[TELEFON]"),
    ("Zentrale +49 (0)89 123 456-78.", "123 456-78", "[TELEFON]"),
    ("unter 0049 30 12345678 erreichbar", "12345678", "[TELEFON]"),
    ("Ruf an: 089 / 123 456 78", "123 456 78", "[TELEFON]"),
    ("Nummer (089) 12345678.", "12345678", "[TELEFON]"),
    ("mobil 0171-2233445", "2233445", "[TELEFON]"),
    ("Fax 030/1234567-0", "1234567", "[TELEFON]"),
    ("US office +1 (415) 555-0134", "555-0134", "[TELEFON]"),
    ("call me at 415-555-0134", "555-0134", "[TELEFON]"),
    ("London +44 20 7946 0958", "7946 0958", "[TELEFON]"),
    ("Wien +43 1 234 56 78", "234 56 78", "[TELEFON]"),
    ("Tel. 4711 0815 22", "4711 0815", "[TELEFON]"),
    ("IBAN DE89 3704 0044 0532 0130 00, BIC COBADEFFXXX", "3704 0044", "[IBAN]"),
    ("IBAN: DE89370400440532013000", "DE89370400440532013000", "[IBAN]"),
    ("Konto AT61 1904 3002 3457 3201", "1904 3002", "[IBAN]"),
    ("Lieferung an Industriestraße 12, 73760 Ostfildern bitte", "Industriestraße 12", "[ADRESSE]"),
    ("Adresse: Berliner Allee 5a, 40212 Düsseldorf", "Berliner Allee 5a", "[ADRESSE]"),
    ("Büro in der Hauptstr. 7.", "Hauptstr. 7", "[ADRESSE]"),
    ("wohnt Am Lindenhof 3, 28195 Bremen", "Lindenhof 3", "[ADRESSE]"),
    ("Office: 221B Baker Street, London", "221B Baker Street", "[ADRESSE]"),
    ("Postanschrift D-80331 München", "80331", "[ADRESSE]"),
    ("Login https://portal.x.de/a?user=kq&token=abc.", "user=kq", "[URL]"),
    ("Profil https://www.linkedin.com/in/anna-schmidt-123", "anna-schmidt", "[URL]"),
    ("Hallo Frau Schneider, danke", "Schneider", "[NAME]"),
    ("Sehr geehrter Herr Dr. Weber,", "Weber", "[NAME]"),
    ("Dear Mr. Smith, thanks", "Smith", "[NAME]"),
    ("Hi Tom, quick question", "Tom", "[NAME]"),
    ("Liebe Anna, anbei", "Anna", "[NAME]"),
    ("Viele Grüße, Jonas", "Jonas", "[NAME]"),
    ("Viele Grüße\nJonas Becker", "Jonas Becker", "[NAME]"),
    ("Mit freundlichen Grüßen\ni.A. Petra Lange", "Petra Lange", "[NAME]"),
    ("Best regards,\nJohn Miller", "John Miller", "[NAME]"),
    ("Frau Prof. Dr. Anna Klein meinte", "Klein", "[NAME]"),
    ("Das hat Herr Weber entschieden", "Weber", "[NAME]"),
]


@pytest.mark.parametrize(("text", "secret", "placeholder"), PII_CASES)
def test_personal_data_becomes_placeholder(text, secret, placeholder):
    out = redact(text)
    assert secret not in out
    assert placeholder in out


KEEP_CASES = [
    "Termin am 14.09.2026 um 10:00, Budget 12.500 Euro, 25 Nutzer",
    "Version 2.0 läuft seit 2019, Ticket 4711",
    "Monitoring 24/7 und SLA 99,9 %",
    "pro Arbeitsplatz 12 Euro im Monat",
    "Hallo zusammen, Hallo Team, Sehr geehrte Damen und Herren",
    "Preis laut https://www.example.de/preise ohne Rabatt",
    "Schnittstelle zu SAP Business One, 3 Standorte, 120 Mitarbeiter",
    "Wir brauchen eine Lösung bis Q1/2027, Rollout 01.03.2027",
    "From time to time Frank asked about the Management Name field",
    "Mark the invoices, then Will checks the Name column",
    "Preis 1.234.567 Euro, Version 2.3.4, Bestellung 4711 über 25 Stück",
    "Die frau hat gesagt, der Roman sei gut",
]


@pytest.mark.parametrize("text", KEEP_CASES)
def test_business_text_is_not_redacted(text):
    assert redact(text) == text


def test_known_names_are_redacted_whole_word_and_in_parts():
    out = redact(
        "Anna Schmidt sagt, Schmidt und Anna kommen; in Annaberg, Schmidtke", ["Anna Schmidt"]
    )
    assert out == "[NAME] sagt, [NAME] und [NAME] kommen; in Annaberg, Schmidtke"


def test_a_first_name_only_the_maintained_list_knows_is_redacted_alone_when_rare():
    assert redact("Unsere Bedienung, Susanna, war sehr freundlich.") == (
        "Unsere Bedienung, [NAME], war sehr freundlich."
    )
    assert redact("Annas Idee war gut.") == "[NAME] Idee war gut."  # listed as a name too
    # listed as first names as well, but ordinary words
    assert redact("Der Wirt brachte Döner und Pommes.") == "Der Wirt brachte Döner und Pommes."


def test_name_list_tolerates_titles_and_comma_order():
    out = redact("Dr. Weber und Klaus Weber sowie Müller, Eva", ["Weber, Dr. Klaus", "Müller, Eva"])
    assert "Weber" not in out and "Klaus" not in out and "Eva" not in out and "Müller" not in out


def test_placeholders_read_naturally_and_redaction_is_idempotent():
    text = "Hallo Frau Schneider, rufen Sie an: +49 171 9876543. Viele Grüße, Jonas"
    once = redact(text)
    assert once == "Hallo Frau [NAME], rufen Sie an: [TELEFON]. Viele Grüße, [NAME]"
    assert redact(once) == once


def test_weak_closings_need_a_comma_or_line_break_before_a_name():
    assert redact("Best Practices\nfür den Rollout") == "Best Practices\nfür den Rollout"
    assert redact("Thanks,\nTom") == "Thanks,\n[NAME]"
    assert redact("Danke, Anna") == "Danke, [NAME]"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Kunde = Claudia Brandt, Geschäftsführerin", "Kunde = [NAME], Geschäftsführerin"),
        ("Call with Hannah Price (Service Manager). Hannah asked twice.",
         "Call with [NAME] (Service Manager). [NAME] asked twice."),
        ("Sanne de Boer, operations director", "[NAME], operations director"),
        ("Demo mit Lagerleiter Dietz und Kollegin Maier", "Demo mit Lagerleiter [NAME] und Kollegin [NAME]"),
        ("Dr. Albers selbst am Telefon", "Dr. [NAME] selbst am Telefon"),
    ],
)  # fmt: skip
def test_names_in_free_text(text, expected):
    assert redact(text) == expected


def test_first_names_that_are_words_need_a_surname():
    text = "Ende Mai Rollout. Die Art der Schnittstelle. Will do. Mark the date."
    assert redact(text) == text
    assert redact("Mark Thompson called") == "[NAME] called"


@pytest.mark.parametrize(
    ("keyword", "is_name"),
    [
        ("anna", True),
        ("anna müller", True),
        ("jolanta grzybowska", True),
        ("kerstin quastenberg", True),
        ("frank", False),  # an ordinary word too: only with a surname
        ("mark", False),
        ("kanalinspektion", False),
        ("schnittstelle zu sap", False),
        ("sap business one", False),
        ("preise kanalkataster", False),
        ("wartungsvertrag kosten", False),
    ],
)
def test_last_gate_before_output_spots_person_names(keyword, is_name):
    from kundensprache.ingest.name_gate import looks_like_person_name

    assert looks_like_person_name(keyword) is is_name


def test_a_greeting_names_only_someone_on_its_own_line():
    """'Hello,' then a sentence on the next line greets nobody: its first word stays."""
    assert redact("Hello,\nFrom time to time we need exports.") == (
        "Hello,\nFrom time to time we need exports."
    )
    assert redact("Hallo Anna\nWir brauchen die Schnittstelle") == (
        "Hallo [NAME]\nWir brauchen die Schnittstelle"
    )
