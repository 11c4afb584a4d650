"""Emails: direction, quoted history, signatures, MIME encodings, mbox and Outlook .msg."""

from datetime import date

import pytest
from test_ingest_builders import make_eml, make_msg

from kundensprache.core.config import Config
from kundensprache.ingest import read_file

OWN = "kundensprache-demo.de"


@pytest.fixture
def config() -> Config:
    config = Config()
    config.company.domains = [OWN]
    config.company.people = ["Jonas Becker"]
    return config


def _read(tmp_path, name, data: bytes, config):
    path = tmp_path / "emails" / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return read_file(path, "email", config, inbox=tmp_path)


REPLY = """Hallo Herr Becker,

danke für das Angebot. Wir brauchen aber eine Anbindung an SAP Business One, sonst pflegen wir alles doppelt.

Viele Grüße
Anna Schmidt
Einkauf | Müller Maschinenbau GmbH
Tel. +49 7031 123456

Am 14.09.2026 um 16:02 schrieb Jonas Becker <jonas.becker@kundensprache-demo.de>:
> Hallo Frau Schmidt,
> anbei unser Angebot für die Datenpflege im CRM.
> Beste Grüße
> Jonas Becker
"""


def test_inbound_reply_quoted_outbound_and_signature(tmp_path, config):
    data = make_eml("Anna Schmidt <anna.schmidt@mueller-maschinenbau.de>",
                    f"Jonas Becker <jonas.becker@{OWN}>", "AW: Angebot Datenpflege", REPLY)  # fmt: skip
    result = _read(tmp_path, "reply.eml", data, config)
    assert result.status == "accepted", result.reason
    own, quoted = result.documents
    assert own.segments[0].role == "customer"
    assert own.account == "mueller-maschinenbau.de" and own.date == date(2026, 9, 15)
    assert own.title == "Angebot Datenpflege"
    assert own.segments[0].text == (
        "Hallo Herr [NAME],\n\ndanke für das Angebot. Wir brauchen aber eine Anbindung an SAP "
        "Business One, sonst pflegen wir alles doppelt."
    )
    assert quoted.segments[0].role == "rep"
    assert quoted.date == date(2026, 9, 14)
    assert (
        quoted.segments[0].text
        == "Hallo Frau [NAME],\nanbei unser Angebot für die Datenpflege im CRM."
    )


def test_outbound_mail_is_rep_and_account_is_the_recipient(tmp_path, config):
    data = make_eml(f"Jonas Becker <jonas.becker@{OWN}>", "Eva Roth <eva@kraft.example>",
                    "Ihre Anfrage", "Hallo Frau Roth,\n\nanbei die Preisliste.\n\nBeste Grüße\nJonas")  # fmt: skip
    (doc,) = _read(tmp_path, "out.eml", data, config).documents
    assert doc.segments[0].role == "rep" and doc.account == "kraft.example"


def test_outlook_style_history_and_disclaimer(tmp_path, config):
    body = (
        "Guten Tag,\n\nwir haben intern entschieden: Wir starten mit 25 Nutzern im Vertrieb.\n\n"
        "Mit freundlichen Grüßen\ni.A. Petra Lange\n\nLange & Söhne GmbH | Amtsgericht Köln HRB 12345 | "
        "Geschäftsführer: Max Lange\nDiese E-Mail enthält vertrauliche Informationen. Wenn Sie nicht "
        "der richtige Adressat sind, informieren Sie bitte sofort den Absender.\n\n"
        "________________________________\nVon: Jonas Becker <jonas.becker@kundensprache-demo.de>\n"
        "Gesendet: Montag, 12. Oktober 2026 09:14\nAn: Petra Lange <p.lange@lange-soehne.example>\n"
        "Betreff: Lizenzen\n\nHallo Frau Lange,\nwie viele Lizenzen planen Sie?\nBeste Grüße\nJonas Becker\n"
    )
    data = make_eml(
        "Petra Lange <p.lange@lange-soehne.example>", f"jonas.becker@{OWN}", "AW: Lizenzen", body
    )
    own, quoted = _read(tmp_path, "o.eml", data, config).documents
    assert (
        own.segments[0].text
        == "Guten Tag,\n\nwir haben intern entschieden: Wir starten mit 25 Nutzern im Vertrieb."
    )
    assert quoted.segments[0].role == "rep" and quoted.date == date(2026, 10, 12)
    assert quoted.segments[0].text == "Hallo Frau [NAME],\nwie viele Lizenzen planen Sie?"


def test_english_on_wrote_and_mobile_footer(tmp_path, config):
    body = (
        "Thanks, the trial works. We mainly need the Outlook add-in for the field team.\n\n"
        "Sent from my iPhone\n\nOn Tue, Sep 15, 2026 at 9:00 AM Jonas Becker <\n"
        f"jonas.becker@{OWN}> wrote:\n\n> Hi Tom,\n> how is the trial going?\n"
    )
    data = make_eml("Tom Baker <tom@initech.example>", f"jonas.becker@{OWN}", "Re: Trial", body)
    own, quoted = _read(tmp_path, "en.eml", data, config).documents
    assert (
        own.segments[0].text
        == "Thanks, the trial works. We mainly need the Outlook add-in for the field team."
    )
    assert own.language == "en" and quoted.segments[0].role == "rep"


def test_quoted_passage_down_a_thread_is_stored_once(tmp_path, config):
    original = "Wir suchen ein Tool für die Tourenplanung unserer Servicetechniker."
    cut = original.index(" ", 30)
    first = make_eml("Eva Roth <eva@kraft.example>", f"vertrieb@{OWN}", "Tourenplanung", original)
    reply = make_eml(
        f"Jonas Becker <jonas.becker@{OWN}>",
        "Eva Roth <eva@kraft.example>",
        "Re: Tourenplanung",
        f"Gern zeigen wir Ihnen das.\n\nAm 15.09.2026 schrieb Eva Roth <eva@kraft.example>:\n> {original}\n",
    )
    reply2 = make_eml(
        "Eva Roth <eva@kraft.example>",
        f"jonas.becker@{OWN}",
        "Re: Re: Tourenplanung",
        "Dienstag passt.\n\nAm 16.09.2026 schrieb Jonas Becker <jonas.becker@kundensprache-demo.de>:\n"
        "> Gern zeigen wir Ihnen das.\n>\n> Am 15.09.2026 schrieb Eva Roth <eva@kraft.example>:\n"
        f">> {original[:cut]}\n>> {original[cut + 1 :]}\n",  # re-wrapped at a space
    )
    ids = [
        {d.doc_id: d for d in _read(tmp_path, f"{i}.eml", data, config).documents}
        for i, data in enumerate([first, reply, reply2])
    ]
    original_id = next(iter(ids[0]))
    assert original_id in ids[1] and original_id in ids[2]  # same hash: stored once
    assert ids[1][original_id].segments[0].role == "customer"
    all_ids = set().union(*ids)
    assert len(all_ids) == 3  # original, the reply, the second reply: each once


def test_html_only_quoted_printable(tmp_path, config):
    html = (
        "<html><body><p>Hallo Herr Becker,</p><p>wir m&ouml;chten die <b>Schnittstelle zu DATEV</b>"
        " testen.</p><p>Viele Gr&uuml;&szlig;e<br>Eva Roth</p>"
        '<div class="gmail_quote">Am 10.09.2026 schrieb Jonas Becker:<blockquote>Alte Nachricht'
        "</blockquote></div></body></html>"
    )
    data = make_eml("Eva Roth <eva@kraft.example>", f"jonas.becker@{OWN}", "DATEV", "", html=html,
                    cte="quoted-printable")  # fmt: skip
    assert b"quoted-printable" in data
    docs = _read(tmp_path, "html.eml", data, config).documents
    assert (
        docs[0].segments[0].text
        == "Hallo Herr [NAME],\nwir möchten die Schnittstelle zu DATEV testen."
    )
    assert docs[1].segments[0].text == "Alte Nachricht"


def test_multipart_alternative_prefers_plain_and_base64_latin1(tmp_path, config):
    data = make_eml("Eva Roth <eva@kraft.example>", f"jonas.becker@{OWN}", "Größe",
                    "Die Größe der Filialen wächst.", html="<p>HTML-Version</p>",
                    charset="iso-8859-1", cte="base64")  # fmt: skip
    (doc,) = _read(tmp_path, "b64.eml", data, config).documents
    assert doc.segments[0].text == "Die Größe der Filialen wächst."


def test_undeclared_charset_8bit_body_and_headers(tmp_path, config):
    raw = (
        "From: =?utf-8?q?J=C3=BCrgen_M=C3=BCller?= <j.mueller@hansa.example>\r\n"
        f"To: vertrieb@{OWN}\r\nSubject: Anfrage Übersicht\r\nDate: Wed, 16 Sep 2026 08:00:00 +0200\r\n"
        "Content-Type: text/plain\r\n\r\n"
    ).encode("cp1252") + "Wir brauchen eine Übersicht über alle Aufträge für Jürgen.\r\n".encode(
        "cp1252"
    )
    (doc,) = _read(tmp_path, "cp.eml", raw, config).documents
    assert doc.segments[0].text == "Wir brauchen eine Übersicht über alle Aufträge für [NAME]."
    assert doc.title == "Anfrage Übersicht"


def test_mbox_with_several_messages(tmp_path, config):
    one = make_eml(
        "Eva Roth <eva@kraft.example>", f"vertrieb@{OWN}", "Eins", "Erste Frage zur Zeiterfassung."
    )
    two = make_eml(
        "Tom Baker <tom@initech.example>",
        f"vertrieb@{OWN}",
        "Two",
        "From our side the API matters.",
    )
    empty = make_eml("Tom Baker <tom@initech.example>", f"vertrieb@{OWN}", "Leer", "\n")
    mbox = b""
    for msg in (one, two, empty):
        msg = msg.replace(b"\r\n", b"\n").replace(b"\nFrom ", b"\n>From ")  # mboxrd escaping
        mbox += b"From MAILER-DAEMON Thu Sep 17 10:00:00 2026\n" + msg + b"\n"
    result = _read(tmp_path, "export.mbox", mbox, config)
    assert result.status == "accepted", result.reason
    assert [d.segments[0].text for d in result.documents] == [
        "Erste Frage zur Zeiterfassung.",
        "From our side the API matters.",
    ]
    assert "1 message(s) without body text skipped" in result.reason


def test_outlook_msg(tmp_path, config):
    body = (
        "Hallo Herr Becker,\r\n\r\nunsere Disponenten planen die Touren noch auf Papier. "
        "Können Sie uns eine Demo der Tourenplanung zeigen?\r\n\r\nFreundliche Grüße\r\n"
        "Eva Roth\r\nKraft AG\r\n\r\nVon: Jonas Becker <jonas.becker@kundensprache-demo.de>\r\n"
        "Gesendet: Dienstag, 15. September 2026 17:20\r\nAn: Eva Roth\r\nBetreff: Tourenplanung\r\n\r\n"
        "Hallo Frau Roth, haben Sie Fragen zur Tourenplanung?\r\n"
    )
    data = make_msg("Eva Roth", "eva.roth@kraft.example", [("Jonas Becker", f"jonas.becker@{OWN}", 1)],
                    "AW: Tourenplanung", body, html="<p>ignored when plain text exists</p>")  # fmt: skip
    result = _read(tmp_path, "mail.msg", data, config)
    assert result.status == "accepted", result.reason
    own, quoted = result.documents
    assert own.segments[0].role == "customer" and own.account == "kraft.example"
    assert own.date == date(2026, 9, 16) and own.title == "Tourenplanung"
    assert own.segments[0].text.startswith("Hallo Herr [NAME],\n\nunsere Disponenten planen")
    assert "Roth" not in own.segments[0].text
    assert quoted.segments[0].role == "rep"


def test_email_with_no_body_is_rejected(tmp_path, config):
    data = make_eml("Eva Roth <eva@kraft.example>", f"vertrieb@{OWN}", "Leer", "\n\n")
    result = _read(tmp_path, "empty.eml", data, config)
    assert (result.status, result.reason) == ("rejected", "email has no body text")


def test_without_own_domains_roles_stay_unknown(tmp_path):
    data = make_eml(
        "Eva Roth <eva@kraft.example>", "x@y.example", "Frage", "Wir brauchen Schulungen."
    )
    (doc,) = _read(tmp_path, "u.eml", data, Config()).documents
    assert doc.segments[0].role == "unknown"


def test_original_message_separator_and_signature_delimiter(tmp_path, config):
    body = (
        "Wir nehmen das Paket mit Lagerverwaltung und Barcode-Scannern.\n-- \nHansa Logistik GmbH\n"
        "Hafenstraße 12, 20457 Hamburg\n\n-----Ursprüngliche Nachricht-----\n"
        f"Von: Jonas Becker [mailto:jonas.becker@{OWN}]\nGesendet: Freitag, 9. Oktober 2026 11:00\n"
        "An: Einkauf Hansa\nBetreff: Pakete\n\nWelches Paket passt für Sie?\n"
    )
    data = make_eml("Einkauf <einkauf@hansa.example>", f"jonas.becker@{OWN}", "AW: Pakete", body)
    own, quoted = _read(tmp_path, "orig.eml", data, config).documents
    assert own.segments[0].text == "Wir nehmen das Paket mit Lagerverwaltung und Barcode-Scannern."
    assert (quoted.segments[0].role, quoted.segments[0].text) == (
        "rep",
        "Welches Paket passt für Sie?",
    )
    assert quoted.date == date(2026, 10, 9)


def test_pasted_body_without_sender_takes_the_uploaders_role(tmp_path, config):
    raw = b"Date: Thu, 01 Oct 2026 12:00:00 +0000\nContent-Type: text/plain; charset=utf-8\n\nWir brauchen eine Schnittstelle zu Lexware.\n"
    assert _read(tmp_path, "pasted.eml", raw, config).documents[0].segments[0].role == "unknown"
    (tmp_path / "emails" / "pasted2.eml.meta.json").write_text('{"speaker_role": "customer"}')
    (doc,) = _read(tmp_path, "pasted2.eml", raw, config).documents
    assert doc.segments[0].role == "customer" and doc.date == date(2026, 10, 1)
