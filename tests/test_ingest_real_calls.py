"""Real transcripts and caption files (tests/fixtures/calls, sources in tests/fixtures/README.md):
roles, segments, redaction and text as stored."""

from pathlib import Path

import pytest

from kundensprache.core.config import Config
from kundensprache.ingest import read_file
from kundensprache.ingest.calls import NoteContext, read_note_text

FIXTURES = Path(__file__).parent / "fixtures" / "calls"
ZOOM = (FIXTURES / "zoom-transcript.txt").read_text(encoding="utf-8")


def _read(path: Path, people=()):
    config = Config()
    config.company.people = list(people)
    return read_file(path, "call", config)


def test_youtube_auto_captions_drop_cue_settings_and_rolling_repeats():
    result = _read(FIXTURES / "youtube-auto-captions.vtt")
    assert result.status == "accepted"
    text = "\n".join(s.text for d in result.documents for s in d.segments)
    assert "align:" not in text and "position:" not in text and "-->" not in text
    assert "<c" not in text and "00:05" not in text and "::cue" not in text
    words = text.split()
    assert words.count("yeah") == 1  # the rolling line of the next cue is not counted again
    assert text.count("this will happen is I'm telling") == 1


def test_zoom_transcript_keeps_one_segment_per_speaker_turn_with_the_rep_configured():
    (doc,) = _read(FIXTURES / "zoom-transcript.txt", ["Johnny Doe"]).documents
    roles = [s.role for s in doc.segments]
    assert roles[:4] == ["rep", "customer", "rep", "customer"]
    assert len(doc.segments) == 8
    assert doc.segments[0].text == "How you doing?"  # no "11:02:09" left
    assert "Janet" not in " ".join(s.text for s in doc.segments)


@pytest.mark.parametrize(
    "rep_label, customer_label",
    [
        ("Johnny Doe’s iPad", "Janet Dough’s iPhone"),
        ("iPhone von Johnny Doe", "Janet Dough (Gast)"),
        ("Johnny Doe (Host)", "Galaxy S21 von Janet Dough"),
    ],
)
def test_device_labelled_zoom_speakers_are_people(rep_label, customer_label):
    # the real Zoom transcript with its speakers labelled the way Zoom labels devices
    text = ZOOM.replace("[Johnny Doe]", f"[{rep_label}]").replace(
        "[Janet Dough]", f"[{customer_label}]"
    )
    draft = read_note_text(text, "zoom.txt", NoteContext(people=["Johnny Doe"]))
    assert [role for role, _ in draft.turns][:2] == ["rep", "customer"]
    assert {"Johnny Doe", "Janet Dough"} <= draft.names
    from kundensprache.ingest.documents import build_document

    doc = build_document(draft, "call", "zoom.txt")
    stored = " ".join(s.text for s in doc.segments)
    for part in ("Janet", "Dough", "Johnny", "iPad", "iPhone", "Gast"):
        assert part not in stored


def test_label_value_lines_are_not_speaker_turns():
    note = (
        "Name der Datei: Protokoll Digital Health Management\n"
        "Budget: 20.000 EUR\n"
        "Anforderungen:\n"
        "Die Schnittstelle zum Name-Server fehlt, Management will eine Lösung bis Q3.\n"
        "Digital Health Management: Termin mit dem Engineer im Mai.\n"
    )
    draft = read_note_text(note, "notiz.txt", NoteContext(default_role="unknown"))
    assert {role for role, _ in draft.turns} == {"unknown"}
    assert draft.names == set()
    from kundensprache.ingest.documents import build_document

    doc = build_document(draft, "call", "notiz.txt")
    stored = " ".join(s.text for s in doc.segments)
    assert "[NAME]" not in stored
    assert "Management will" in stored and "Engineer" in stored


def test_pdf_call_note_is_read_from_its_text_layer():
    result = _read(FIXTURES / "text-layer.pdf")
    assert result.status == "accepted", result.reason
    text = " ".join(s.text for d in result.documents for s in d.segments)
    assert "Heres to the crazy ones" in text and "square holes" in text


def test_scanned_pdf_without_text_is_rejected_with_that_reason():
    result = _read(FIXTURES / "scanned-no-text.pdf")
    assert result.status == "rejected"
    assert "without a text layer" in result.reason


def test_pdf_upload_is_accepted_by_the_upload_check():
    from kundensprache.ingest import validate_upload

    data = (FIXTURES / "text-layer.pdf").read_bytes()
    assert validate_upload("Gesprächsnotiz.pdf", data, "call", Config()) is None
    scan = (FIXTURES / "scanned-no-text.pdf").read_bytes()
    assert "without a text layer" in validate_upload("scan.pdf", scan, "call", Config())


def test_random_bytes_named_txt_are_rejected():
    import random

    rng = random.Random(7)
    noise = bytes(rng.choice(range(1, 256)) for _ in range(4096))  # no NUL byte to give it away
    from kundensprache.ingest.errors import Rejected
    from kundensprache.ingest.textio import decode_text

    for data in (noise, b"\xff\xfe" + noise):
        with pytest.raises(Rejected):
            decode_text(data)
