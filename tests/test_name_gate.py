"""Names from the maintained list (Faker's locales) and the output gate's corpus memory."""

import pytest

from kundensprache.core.config import Config
from kundensprache.ingest import ingest_inbox
from kundensprache.ingest.name_gate import (
    looks_like_person_name,
    mask_row,
    mask_seen_names,
    name_key,
    name_keys,
)
from kundensprache.ingest.name_lists import maintained_names
from kundensprache.ingest.redact import redact
from kundensprache.store.db import Store


def test_the_maintained_list_covers_many_countries_in_latin_script():
    first, last = maintained_names()
    assert len(first) > 10_000 and len(last) > 10_000
    for name in ("Viviana", "Siobhan", "Dragan", "Jolanta", "Aino", "Zsófia"):
        assert name in first
    for name in ("Vallejo", "Gallagher", "Virtanen", "Pichler", "Lindqvist"):
        assert name in last
    assert all(n.isascii() or any(c.isalpha() for c in n) for n in first)
    assert not any("\u0400" <= c <= "\u04ff" for n in first for c in n)  # no Cyrillic


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("Viviana Vallejo: Die Kanalreinigung ist zu teuer.", "Vallejo"),
        ("Siobhan Gallagher asked for the price list.", "Gallagher"),
        ("Dragan Petrović will ein Angebot.", "Petrović"),
        ("Laut Aino Virtanen fehlt die Schnittstelle.", "Virtanen"),
        ("Viviana Koch fragt nach dem Termin.", "Koch"),
    ],
)
def test_first_names_of_many_countries_with_a_surname_are_redacted(text, name):
    out = redact(text)
    assert name not in out and "[NAME]" in out


@pytest.mark.parametrize(
    "text",
    [
        "Das Lager ist voll. Rose Garten bestellt.",
        "Mark Lager und Will Service klären das.",
        "Winter Angebot: Sommer Reifen",
        "Die Firma Hope Street Ltd. zahlt.",
        "Summer Sale im Shop.",
        "Will Wartungstermine planen: ja.",  # an ordinary first name needs a listed surname
    ],
)
def test_list_names_that_are_ordinary_words_leave_business_text_alone(text):
    assert redact(text) == text


@pytest.mark.parametrize(
    ("keyword", "is_name"),
    [
        ("viviana vallejo", True),
        ("vallejo", True),  # a listed surname, rare as a word
        ("siobhan gallagher", True),
        ("koch", False),  # a surname, but an ordinary word: only when seen as a person
        ("lager", False),
        ("rose", False),
        ("winter reifen", False),
        ("kanalkataster", False),
        ("datev schnittstelle", False),
        ("Susanna", True),  # a listed first name alone, spelt as a name (a review's waiter)
        ("EDI", False),  # a listed first name ("Edi"), but an acronym here
        ("Döner", False),  # listed too, but an ordinary word
        ("Wirt", False),
    ],
)
def test_the_gate_knows_the_maintained_names(keyword, is_name):
    assert looks_like_person_name(keyword) is is_name


def test_a_name_seen_anywhere_in_the_corpus_blocks_keywords_and_is_masked():
    seen = frozenset(name_keys(["Viviana Vallejo"], strong=["Koch"]))  # "Herr Koch"
    assert looks_like_person_name("vallejo angebot", seen)
    assert looks_like_person_name("koch", seen)
    assert not looks_like_person_name("kanalkataster software", seen)
    assert mask_seen_names("Vallejo fragt nach Preisen.", seen) == "[NAME] fragt nach Preisen."
    row = mask_row({"keyword": "preise", "example": "laut VALLEJO zu teuer", "n": 3}, seen)
    assert row == {"keyword": "preise", "example": "laut [NAME] zu teuer", "n": 3}


def test_company_names_from_headers_and_columns_block_no_keyword():
    """A contact "Einkauf Team", a From: display name "Brandt Haustechnik" is no person:
    without a first name, words from the context are not recorded."""
    seen = frozenset(name_keys(["Einkauf Team", "Zentrale", "Brandt Haustechnik"]))
    assert seen == frozenset()
    assert name_keys(["Anna Brandt"]) == {name_key("Anna"), name_key("Brandt")}
    assert name_key("Müller") == name_key("mueller") == name_key("MÜLLER")


def test_ingest_records_keys_of_the_names_it_redacts_but_no_name(tmp_path):
    inbox = tmp_path / "inbox"
    (inbox / "calls").mkdir(parents=True)
    (inbox / "calls" / "call.srt").write_text(
        "1\n00:00:01,000 --> 00:00:03,000\nKunde: Die Wartung ist zu teuer.\n\n"
        "2\n00:00:03,000 --> 00:00:05,000\nViviana Vallejo: Wir planen in Excel.\n\n"
        "3\n00:00:05,000 --> 00:00:07,000\nKunde: Frau Dr. Szymańska entscheidet.\n",
        encoding="utf-8",
    )
    (inbox / "calls" / "note.txt").write_text(
        "Vallejo fragt, ob das Kanalkataster offline läuft.\n", encoding="utf-8"
    )
    store = Store(tmp_path / "store.sqlite")
    ingest_inbox(inbox, store, Config())
    keys = store.person_name_keys()
    stored = " ".join(s.text for d in store.iter_documents() for s in d.segments)
    store.close()
    assert {name_key("Vallejo"), name_key("Viviana"), name_key("Szymańska")} <= keys
    assert "Viviana" not in stored and "Szymańska" not in stored
    raw = (tmp_path / "store.sqlite").read_bytes()
    assert b"Viviana" not in raw
    assert "Vallejo" not in stored  # the note's lone surname too: named in the same batch
    assert "offline" in stored


def test_a_surname_alone_in_a_later_run_is_not_stored_once_the_corpus_named_the_person(
    tmp_path,
):
    inbox = tmp_path / "inbox"
    (inbox / "calls").mkdir(parents=True)
    (inbox / "calls" / "call.vtt").write_text(
        "WEBVTT\n\n00:00:01.000 --> 00:00:03.000\n<v Viviana Vallejo>Wir planen in Excel.</v>\n",
        encoding="utf-8",
    )
    store = Store(tmp_path / "store.sqlite")
    ingest_inbox(inbox, store, Config())
    (inbox / "calls" / "later.txt").write_text(
        "Vallejo fragt, ob das Kanalkataster offline läuft. Koch und Winter bleiben.\n",
        encoding="utf-8",
    )
    ingest_inbox(inbox, store, Config())
    texts = [s.text for d in store.iter_documents() for s in d.segments]
    store.close()
    assert any("Kanalkataster" in t for t in texts)
    assert not any("Vallejo" in t or "Viviana" in t for t in texts), texts
    assert any("Koch und Winter bleiben" in t for t in texts)  # no one was named so


@pytest.mark.parametrize(
    ("path", "kept"),
    [
        ("calls/anruf_vallejo_2026-03.txt", "anruf_"),  # a maintained-list surname
        ("calls/termin_siobhan.txt", "termin_"),  # a maintained-list first name
    ],
)
def test_file_names_with_maintained_list_names_get_a_pseudonym(path, kept):
    from kundensprache.ingest.pseudonyms import redact_path

    out = redact_path(path)
    assert kept in out and "name-" in out
    assert "vallejo" not in out and "siobhan" not in out


def test_file_names_of_ordinary_words_that_are_also_list_names_stay():
    from kundensprache.ingest.pseudonyms import redact_path

    assert redact_path("calls/angebot_kosten_lager.txt") == "calls/angebot_kosten_lager.txt"
