"""Real mails from real tools (tests/fixtures/emails, sources in tests/fixtures/README.md):
what the ingest stores from each — text, roles, accounts, language, dates."""

from datetime import date
from pathlib import Path

import pytest

from kundensprache.core.config import Config
from kundensprache.ingest import read_file

FIXTURES = Path(__file__).parent / "fixtures" / "emails"
DEBRIS = ("Content-Type", "Content-Transfer-Encoding", "base64", "----=_", "<html", "<td", "cid:")


def _read(name: str, config: Config | None = None):
    return read_file(FIXTURES / name, "email", config or Config())


def _text(result) -> str:
    return "\n".join(s.text for d in result.documents for s in d.segments)


def test_boundary_mismatch_reads_the_real_parts_not_mime_debris():
    result = _read("boundary-mismatch.eml")
    assert result.status == "accepted", result.reason
    text = _text(result)
    assert "calefactores de nanotecnologia" in text
    for debris in DEBRIS:
        assert debris not in text
    assert not any(len(w) > 40 for w in text.split())  # no base64 line survived
    assert result.documents[0].language == "es"


def test_gb2312_label_with_gbk_characters_decodes_as_gb18030():
    result = _read("gb2312-label-gbk-chars.eml")
    assert result.status == "accepted"
    (doc,) = result.documents
    assert "我把镜头拉近些" in _text(result)
    assert "\ufffd" not in doc.title and "我把镜头拉近些" in doc.title
    assert not any(c in _text(result) for c in "ÎÒ°Ñ¾")  # no cp1252 mojibake
    assert doc.language == "zh"


def test_html_only_multipart_related_with_one_broken_utf8_byte_is_read():
    result = _read("html-only-related_ru.eml")
    assert result.status == "accepted", result.reason
    text = _text(result)
    assert "ведущая деловая сеть России" in text
    assert "<td" not in text and "<table" not in text
    assert result.documents[0].language == "ru"


def test_first_paragraph_saying_this_email_is_not_a_disclaimer():
    result = _read("this-email-first-paragraph.eml")
    assert result.status == "accepted", result.reason
    assert _text(result).startswith("This email tests parsing of address headers")


def test_italian_outlook_forward_signature_and_disclaimer_removed():
    result = _read("outlook-forward-signature_it.eml")
    assert result.status == "accepted"
    own = result.documents[0].segments[0].text
    assert own == "Ciao sere mi puoi dire se il mio cliente deve fare questa dichiarazione?"
    text = _text(result)
    for leftover in (
        "riservatezza",
        "P.IVA",
        "Commercialista",
        "Inviato:",
        "Oggetto:",
        "Via Mazzini",
    ):
        assert leftover not in text
    # the forwarded messages below ("Da: … Inviato: …", "Inizio messaggio inoltrato:") are
    # quoted messages of their own, not part of the sender's text
    assert len(result.documents) >= 3
    assert any("lettera di triangolazione" in s.text for d in result.documents for s in d.segments)


def test_company_display_name_does_not_mangle_the_domain_account():
    result = _read("newsletter-company-display-name.eml")
    assert result.documents[0].account == "continuityinsights.com"


@pytest.mark.parametrize("people", [["Thomas Rast"], ["Rast, Thomas"], ["thomas  rast"]])
def test_thunderbird_attribution_with_a_name_only_goes_to_the_configured_rep(people):
    config = Config()
    config.company.people = people
    result = _read("thunderbird-schrieb-name-only_de.eml", config)
    by_text = {s.text.split("\n")[0]: s.role for d in result.documents for s in d.segments}
    quoted = next(k for k in by_text if k.startswith("Sure"))
    assert by_text[quoted] == "rep"
    own = next(d for d in result.documents if "rebase" in d.segments[0].text)
    assert own.date == date(2010, 4, 19)
    assert own.account is None  # web.de is a freemail domain, no company
    assert "Rast" not in _text(result)


def test_outlook_msg_inline_image_placeholders_and_hyphenated_names(tmp_path):
    # No public .msg with inline images was at hand: the project's own .msg builder
    # (tests/test_ingest_builders.py) writes the OLE structure Outlook writes.
    from test_ingest_builders import make_msg

    body = (
        "Hallo Herr Weber,\r\n\r\n[cid:image001.png@01DA1B2C.3D4E5F60]\r\n"
        "wir brauchen eine Schnittstelle zu DATEV, sagt auch Frau Müller-Lüdenscheidt.\r\n"
        "Lüdenscheidt meldet sich morgen.\r\n"
    )
    data = make_msg("Anke Müller-Lüdenscheidt", "a.mueller@kanal.example",
                    [("Jonas Weber", "jonas@own.example", 1)], "Anfrage", body)  # fmt: skip
    path = tmp_path / "anfrage.msg"
    path.write_bytes(data)
    result = read_file(path, "email", Config())
    assert result.status == "accepted", result.reason
    text = _text(result)
    assert "cid:" not in text and "image001" not in text
    assert "Schnittstelle zu DATEV" in text
    assert "Müller" not in text and "Lüdenscheidt" not in text


def test_a_chinese_mail_is_labelled_zh_and_its_phrases_extract_without_error():
    from kundensprache.extractors.phrases import PhraseExtractor

    (doc,) = _read("gb2312-label-gbk-chars.eml").documents
    assert doc.language == "zh"
    extractor = PhraseExtractor()
    texts = [s.text for s in doc.segments]
    found = list(extractor.pipe([(t, "zh") for t in texts]))  # crashed on Chinese before
    assert len(found) == len(texts)
