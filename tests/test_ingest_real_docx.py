"""Word files (tests/fixtures/docs): text boxes, footnotes, Strict Open XML, as stored."""

from pathlib import Path

import pytest

from kundensprache.core.config import Config
from kundensprache.ingest import read_file

FIXTURES = Path(__file__).parent / "fixtures" / "docs"
PYTHON_DOCX = Path(__file__).parent / "fixtures" / "docs" / "python-docx-test.docx"


@pytest.mark.parametrize("name", ["textbox-and-footnote.docx", "strict-ooxml.docx"])
def test_text_boxes_and_footnotes_are_read_once_in_both_dialects(name):
    result = read_file(FIXTURES / name, "call", Config())
    assert result.status == "accepted", result.reason
    (doc,) = result.documents
    text = "\n".join(s.text for s in doc.segments)
    assert text.count("Schnittstelle zu DATEV") == 1  # DrawingML box read, VML fallback not
    assert "Lizenzpreis pro Nutzer" in text  # the footnote
    assert doc.title == "Gesprächsnotiz Kanalbau Nord"
    assert str(doc.date) == "2026-03-12"
    assert {s.role for s in doc.segments} == {"unknown"}  # "Wunsch:" is no speaker


def test_plain_python_docx_file_is_read():
    result = read_file(PYTHON_DOCX, "call", Config())
    (doc,) = result.documents
    assert doc.title == "python-docx was here!"
    assert doc.segments[0].text == "python-docx was here too!"


def test_a_docx_without_main_part_names_the_problem(tmp_path):
    import zipfile

    path = tmp_path / "kaputt.docx"
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("[Content_Types].xml", "<Types/>")
        zf.writestr("_rels/.rels", '<Relationships xmlns="x"/>')
    result = read_file(path, "call", Config())
    assert result.status == "rejected"
    assert "no main document part" in result.reason
