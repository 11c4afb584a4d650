"""German closed compounds and German problem statements: keys, phrases, vocabulary."""

from __future__ import annotations

from datetime import date

import pytest

from kundensprache.core.config import Config
from kundensprache.core.models import Document, Segment
from kundensprache.extractors.compounds import split_compound
from kundensprache.extractors.phrases import PhraseExtractor, content_lemmas, phrase_key
from kundensprache.extractors.vocabulary import build_vocabulary


@pytest.fixture(scope="module")
def blank() -> PhraseExtractor:
    return PhraseExtractor()


# --- splitting -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("word", "parts"),
    [
        ("handwerkersoftware", ("handwerker", "software")),
        ("datevschnittstelle", ("datev", "schnittstelle")),
        ("lagerverwaltungssoftware", ("lager", "verwaltung", "software")),
        ("wartungsvertrag", ("wartung", "vertrag")),  # Fugen-s dropped
        ("kundenportal", ("kunden", "portal")),  # "-n" kept: "kunden" is a word
        ("arbeitszeiterfassung", ("arbeitszeit", "erfassung")),  # the longest head wins
        ("rechnungserstellung", ("rechnung", "erstellung")),
    ],
)
def test_rare_compounds_are_cut_into_words(word: str, parts: tuple[str, ...]) -> None:
    assert split_compound(word) == parts


@pytest.mark.parametrize(
    "word",
    [
        # Everyday words, compounds or not, stay whole (documented: Zipf >= 3).
        "angebot",
        "wartung",
        "steuerberater",
        "datenschutz",
        "mitarbeiter",
        "abrechnung",
        "betriebssystem",
        "verwaltung",
        "synchronisation",
        "beispiel",
        # Rare words whose cut would leave a fragment, a stop word or an ending.
        "weiterleitung",  # "weiter" is a stop word
        "bohrende",  # participle, not "Bohr|ende"
        "pfarrerin",  # feminine ending, not "Pfarr|erin"
        "aufgemachten",  # participle prefix
        "gesundheitsökonomische",  # inflected adjective as head
    ],
)
def test_ordinary_words_are_not_cut(word: str) -> None:
    assert split_compound(word) == (word,)


def test_a_part_is_normalised_like_the_same_word_on_its_own() -> None:
    # "Arbeitszeit" is an everyday word: whole inside the compound and alone.
    assert content_lemmas("Arbeitszeiterfassung", "de") == content_lemmas(
        "Erfassung der Arbeitszeit", "de"
    )
    assert split_compound("arbeitszeit") == ("arbeitszeit",)


# --- keys ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "variants",
    [
        [
            "Handwerkersoftware",
            "Software für Handwerker",
            "Handwerker-Software",
            "handwerker software",
        ],
        [
            "DATEV-Schnittstelle",
            "Schnittstelle zu DATEV",
            "Datevschnittstelle",
            "datevschnittstelle",
        ],
        [
            "Lagerverwaltungssoftware",
            "Software für die Lagerverwaltung",
            "lagerverwaltung software",
        ],
        ["Wartungsverträge", "Vertrag für die Wartung", "Wartungs-Vertrag"],
        ["Kundenportal", "Portal für Kunden", "Kunden-Portal"],
    ],
)
def test_closed_compound_shares_the_key_of_its_spelled_out_forms(variants: list[str]) -> None:
    keys = {phrase_key(v, "de") for v in variants}
    assert len(keys) == 1, keys


def test_english_text_is_never_cut() -> None:
    assert phrase_key("Salesforceintegration", "en") == "salesforceintegration"
    assert phrase_key("Handwerkersoftware", "en") == "handwerkersoftware"


def test_compound_with_a_time_word_inside_is_no_small_talk(blank: PhraseExtractor) -> None:
    # "Stunde" is a time word, but a "Stundenzettel" (timesheet) is a topic.
    found = blank.extract("Bisher nutzen wir Stundenzettel auf Papier.", "de")
    assert {"Stundenzettel", "Stundenzettel auf Papier"} <= {p.surface for p in found}
    # A phrase ending in a time word still is chatter.
    assert not any(p.surface.endswith("Montag") for p in blank.extract("Termin am Montag", "de"))


def test_variants_group_into_one_candidate_in_the_vocabulary(blank: PhraseExtractor) -> None:
    lines = [
        "Wir suchen eine Handwerkersoftware mit Zeiterfassung.",
        "Gibt es eine Software für Handwerker, die auch Angebote schreibt?",
        "Unsere alte Handwerker-Software ist zu langsam.",
        "Wir brauchen eine Datevschnittstelle.",
        "Die Schnittstelle zu DATEV ist Pflicht.",
    ]
    docs = [
        Document(
            doc_id=f"d{i}",
            source="call",
            file=f"f{i}.txt",
            account=f"a{i}",
            date=date(2026, 10, 1),
            language="de",
            segments=[Segment("customer", text)],
        )
        for i, text in enumerate(lines)
    ]
    terms = {
        t.key: t
        for t in build_vocabulary(docs, config=Config(), report_month="2026-10", extractor=blank)
    }
    software = terms[phrase_key("Software für Handwerker", "de")]
    assert software.documents == 3 and software.accounts == 3
    datev = terms[phrase_key("Schnittstelle zu DATEV", "de")]
    assert datev.documents == 2


# --- German problem statements ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "surface"),
    [
        ("Die Synchronisation funktioniert nicht.", "Synchronisation funktioniert nicht"),
        ("Der Export klappt nicht, sagt der Kunde.", "Export klappt nicht"),
        ("Bei uns funktioniert der Export nicht.", "funktioniert der Export nicht"),
        ("Die Synchronisation mit Outlook läuft nie.", "Synchronisation mit Outlook läuft nie"),
    ],
)
def test_german_noun_and_failing_state_is_a_problem_phrase(blank, text: str, surface: str) -> None:
    found = [p for p in blank.extract(text, "de") if p.kind == "problem"]
    assert [p.surface for p in found] == [surface]
    assert "nicht" in found[0].key.split() or "nie" in found[0].key.split()


def test_problem_word_orders_share_one_key(blank: PhraseExtractor) -> None:
    a = [p.key for p in blank.extract("Der Export klappt nicht.", "de") if p.kind == "problem"]
    b = [
        p.key for p in blank.extract("Leider klappt der Export nicht.", "de") if p.kind == "problem"
    ]
    assert a == b == [phrase_key("Export klappt nicht", "de")]


def test_a_working_state_is_no_problem(blank: PhraseExtractor) -> None:
    found = blank.extract("Die Synchronisation funktioniert gut. Der Export klappt.", "de")
    assert not [p for p in found if p.kind == "problem"]
    # The noun itself is still found.
    assert "Synchronisation" in {p.surface for p in found}
