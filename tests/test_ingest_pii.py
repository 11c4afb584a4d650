"""PII canaries planted in every input format never reach the store or the ingest results."""

import pytest
from pii_canaries import (
    CONTACT_SENTENCE,
    CUSTOMER,
    CUSTOMER_FIRST,
    CUSTOMER_LAST,
    EMAIL,
    LONE,
    REP,
    REP_FIRST,
    SECOND_CUSTOMER,
    SPEAKER_ONLY,
    find_canaries,
)
from test_ingest_builders import make_docx, make_eml, make_msg, make_xlsx

from kundensprache.core.config import Config
from kundensprache.ingest import ingest_inbox
from kundensprache.store.db import Store

OWN = "kundensprache-demo.de"
REP_MAIL = f"roswitha.hinterkaifeck@{OWN}"
SECOND_LAST = SECOND_CUSTOMER.split()[-1]


def _note_lines(tag: str) -> list[str]:
    return [
        "Datum: 14.09.2026",
        "Firma: Bremer Kanaltechnik GmbH",
        f"Teilnehmer: {CUSTOMER}, {SECOND_CUSTOMER}, {REP}",
        "",
        f"Kunde: Guten Tag Frau {REP.split()[-1]}, wir prüfen die Wartungsplanung. {CONTACT_SENTENCE}",
        f"Vertrieb: Danke Frau {CUSTOMER_LAST}, ich melde mich bei Herrn {SECOND_LAST}.",
        f"Kunde: {CUSTOMER_FIRST} und {SECOND_CUSTOMER} entscheiden gemeinsam über die Kanalkataster-Software.",
        "",
        f"Kunde: Das Thema {tag} ist uns wichtig. {LONE.text}.",
        "",
        f"Viele Grüße, {REP_FIRST}",
    ]


def _inputs() -> dict[str, bytes]:
    def note(tag: str) -> str:
        return "\n".join(_note_lines(tag)) + "\n"

    transcript = (
        f"{CUSTOMER}: Wir brauchen digitale Kanalkataster. {CONTACT_SENTENCE}\n"
        f"{REP}: Wer entscheidet bei Ihnen?\n"
        f"{SECOND_CUSTOMER}: Ich bin {SECOND_CUSTOMER}; {CUSTOMER_FIRST} und ich, Thaddäus, entscheiden.\n"
    )
    vtt = (
        "WEBVTT\n\n00:00:01.000 --> 00:00:05.000\n"
        f"<v {CUSTOMER}>Die Kanalreinigung planen wir in Excel. {CONTACT_SENTENCE}</v>\n\n"
        f"00:00:05.000 --> 00:00:08.000\n<v {REP}>Danke, Frau {CUSTOMER_LAST}.</v>\n\n"
        f"00:00:08.000 --> 00:00:11.000\n<v {SECOND_CUSTOMER}>Ich bin {SECOND_CUSTOMER} aus der IT.</v>\n"
    )
    srt = (
        f"1\n00:00:01,000 --> 00:00:04,000\n{CUSTOMER}: Die Prüfberichte fehlen. {CONTACT_SENTENCE}\n\n"
        f"2\n00:00:04,000 --> 00:00:06,000\n{REP}: Verstehe, Frau {CUSTOMER_LAST}.\n\n"
        f"3\n00:00:06,000 --> 00:00:08,000\n{SECOND_CUSTOMER}: Ich, {SECOND_CUSTOMER}, schicke sie.\n\n"
        f"4\n00:00:08,000 --> 00:00:10,000\n{SPEAKER_ONLY}: Bei uns fehlt die Kanalreinigung im Kalender.\n"
    )
    csv_rows = [
        ["Datum", "Firma", "Kontakt", "Autor", "Notiz"],
        ["15.09.2026", "Bremer Kanaltechnik", CUSTOMER, REP,
         f"{CUSTOMER} will Kanalkataster. {CONTACT_SENTENCE} {CUSTOMER_FIRST} ruft zurück."],
        ["16.09.2026", f"{SECOND_LAST} Bau GmbH", SECOND_CUSTOMER, REP,
         f"Rückruf bei {SECOND_CUSTOMER} wegen Wartungsplanung. Hallo Herr {SECOND_LAST}!"],
    ]  # fmt: skip

    def tagged(rows, tag):
        return [rows[0]] + [[*row[:-1], f"{row[-1]} Thema {tag}."] for row in rows[1:]]

    def csv_text(rows, sep=";"):
        return "\n".join(sep.join(f'"{c}"' for c in row) for row in rows) + "\n"

    pipedrive = [["Note - Content", "Note - Add time", "Note - User", "Note - Organization", "Note - Person"],
                 [f"<p>{CONTACT_SENTENCE}</p><p>Gespräch mit {CUSTOMER}</p>", "2026-09-17 10:00:00", REP,
                  "Bremer Kanaltechnik", CUSTOMER]]  # fmt: skip
    hubspot = [["Activity date", "Activity assigned to", "Note body", "Associated Company", "Associated Contact"],
               ["2026-09-18 09:00", REP, f"<div>{CUSTOMER} asked about sewer inspection. {CONTACT_SENTENCE}</div>",
                "Bremer Kanaltechnik", CUSTOMER]]  # fmt: skip
    salesforce = [["Subject", "Date", "Assigned", "Company / Account", "Contact", "Comments"],
                  ["Call", "9/19/2026", REP, "Bremer Kanaltechnik", CUSTOMER,
                   f"Talked to {CUSTOMER}: {CONTACT_SENTENCE}"]]  # fmt: skip

    def reply_body(tag: str) -> str:
        return (
            f"Hallo {REP_FIRST}, es geht um {tag}.\n\nwir möchten die Kanalinspektion digitalisieren. {CONTACT_SENTENCE}\n"
            f"Herr {SECOND_LAST} ist ab Montag zuständig.\n\nViele Grüße\n{CUSTOMER}\n"
            f"Bremer Kanaltechnik GmbH\nTel. +49 421 5550199\n\n"
            f"Am 14.09.2026 um 16:02 schrieb {REP} <{REP_MAIL}>:\n> Hallo Frau {CUSTOMER_LAST},\n"
            f"> wie können wir helfen?\n> Viele Grüße, {REP_FIRST}\n"
        )

    sender = f"{CUSTOMER} <{EMAIL.text}>"
    html = (
        f"<p>Guten Tag Frau {REP.split()[-1]},</p><p>bitte rufen Sie {SECOND_CUSTOMER} an: "
        f"{CONTACT_SENTENCE}</p><p>Beste Grüße<br>{CUSTOMER}</p>"
    )
    mbox = b""
    for msg in (
        make_eml(sender, f"{REP} <{REP_MAIL}>", "Kataster", reply_body("Postfach")),
        make_eml(f"{SECOND_CUSTOMER} <t.wimmelbrink@wimmelbrink-bau.de>", REP_MAIL, "Termin",
                 f"Hallo Frau {REP.split()[-1]},\n{CONTACT_SENTENCE}\nGruß\n{SECOND_CUSTOMER}"),
    ):  # fmt: skip
        mbox += (
            b"From MAILER-DAEMON Thu Sep 17 10:00:00 2026\n" + msg.replace(b"\r\n", b"\n") + b"\n"
        )
    return {
        "calls/notiz.txt": note("Text").encode(),
        "calls/notiz.md": ("# Besuch\n\n" + note("Markdown").replace("Datum:", "**Datum:**")).encode(),
        "calls/notiz_cp1252.txt": _narrow(note("Windows")).encode("cp1252"),
        "calls/bericht.docx": make_docx(_note_lines("Word")),
        "calls/transkript.txt": transcript.encode(),
        "calls/teams.vtt": vtt.encode(),
        "calls/zoom.srt": srt.encode(),
        "crm/export.csv": csv_text(csv_rows).encode(),
        "crm/export_cp1252.csv": _narrow(csv_text(tagged(csv_rows, "Windows"), ",")).encode("cp1252"),
        "crm/export.xlsx": make_xlsx(tagged(csv_rows, "Excel")),
        "crm/pipedrive.csv": csv_text(pipedrive, ",").encode(),
        "crm/hubspot.csv": csv_text(hubspot, ",").encode(),
        "crm/salesforce.csv": csv_text(salesforce, ",").encode(),
        "emails/reply.eml": make_eml(sender, f"{REP} <{REP_MAIL}>", f"AW: Angebot für {CUSTOMER}", reply_body("Klartext")),
        "emails/html.eml": make_eml(sender, REP_MAIL, "Rückruf", "", html=html, cte="quoted-printable", cc=f"{SECOND_CUSTOMER} <t.w@wimmelbrink-bau.de>"),
        "emails/latin1.eml": make_eml(sender, REP_MAIL, "Größe", _latin1(reply_body("Latin")), charset="iso-8859-1", cte="base64"),
        "emails/thread.mbox": mbox,
        "emails/outlook.msg": make_msg(CUSTOMER, EMAIL.text, [(REP, REP_MAIL, 1), (SECOND_CUSTOMER, "t.w@wimmelbrink-bau.de", 2)],
                                       "Kanalkataster", reply_body("Outlook").replace("\n", "\r\n"), html=html),
    }  # fmt: skip


def _latin1(text: str) -> str:
    """What survives in a Latin-1 mail (the full-width ＠ and … canaries cannot)."""
    return _narrow(text).encode("latin-1").decode("latin-1")


def _narrow(text: str) -> str:
    """The full-width ＠ and the ellipsis as an 8-bit editor would save them; letters that
    Windows-1252 lacks without their accents ("Petrović" -> "Petrovic")."""
    text = text.replace("＠", "@").replace("…", "...")
    return "".join(c if c in _LATIN1 else _bare(c) for c in text)


_LATIN1 = {chr(i) for i in range(256)}


def _bare(char: str) -> str:
    import unicodedata

    return "".join(c for c in unicodedata.normalize("NFKD", char) if c.isascii()) or "?"


@pytest.fixture(scope="module")
def ingested(tmp_path_factory):
    root = tmp_path_factory.mktemp("pii")
    inbox = root / "inbox"
    files = _inputs()
    for rel, data in files.items():
        path = inbox / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
    config = Config()
    config.company.domains = [OWN]
    config.company.people = [REP]
    store = Store(root / "work" / "store.sqlite")
    results = ingest_inbox(inbox, store, config)
    documents = list(store.iter_documents())
    store.close()
    return root, files, results, documents


def test_canaries_were_planted_in_every_input(ingested):
    _root, files, results, _docs = ingested
    for rel, data in files.items():
        if rel.endswith((".txt", ".md", ".csv", ".vtt", ".srt")):
            text = data.decode("utf-8" if "cp1252" not in rel else "cp1252")
            assert len(find_canaries(text)) >= 10, rel
    assert {r.file: r.status for r in results} == dict.fromkeys(files, "accepted")


def test_no_canary_in_stored_documents(ingested):
    _root, _files, _results, documents = ingested
    assert len(documents) >= len(_files)
    for doc in documents:
        stored = " ".join([doc.title, doc.account or "", *(s.text for s in doc.segments)])
        # all of them: in one ingest batch even the lone surname is masked, because the
        # subtitle file names "Viviana Vallejo" (name_gate.mask_known_names)
        assert find_canaries(stored) == [], (doc.file, stored)
    placeholders = " ".join(s.text for d in documents for s in d.segments)
    for placeholder in ("[E-MAIL]", "[TELEFON]", "[IBAN]", "[ADRESSE]", "[URL]", "[NAME]"):
        assert placeholder in placeholders


def test_no_canary_in_the_database_file_or_results(ingested):
    root, _files, results, _docs = ingested
    for path in sorted((root / "work").iterdir()):  # the SQLite file and its WAL/SHM
        raw = path.read_bytes().decode("utf-8", "replace")
        assert find_canaries(raw) == [], path.name
    for result in results:
        assert find_canaries(f"{result.file} {result.reason}") == []


def test_every_format_produced_its_own_documents(ingested):
    _root, files, _results, documents = ingested
    assert {d.file for d in documents} == set(files)
