"""build_vocabulary: customer words only, counts, scoring, configured lists, determinism."""

from __future__ import annotations

import dataclasses
import random
from datetime import date

import pytest

from kundensprache.core.config import Config
from kundensprache.core.models import Document, Segment, Term
from kundensprache.extractors.phrases import PhraseExtractor, phrase_key
from kundensprache.extractors.places import is_town
from kundensprache.extractors.vocabulary import EXAMPLE_MAX_CHARS, build_vocabulary

MONTH = "2026-10"
REP = "Unsere Lösung MusterCRM bietet ein Kundenportal mit Dashboard und Vertragsverwaltung."
CUSTOMER_LINES = [
    "Wir suchen eine Software für Handwerker. Gibt es eine Schnittstelle zu DATEV?",
    "Die DATEV-Schnittstelle ist für uns Pflicht. Wie kann ich Angebote als PDF verschicken?",
    "Unser CRM-Tool ist zu alt. Angebote als PDF verschicken geht heute nicht.",
    "Was kostet eine Lizenz pro Nutzer? Die Datenpflege im CRM frisst Zeit.",
    "Vielen Dank! Nächste Woche sprechen wir über die Schnittstelle zu DATEV.",
    "Das CRM Tool muss Angebote als PDF verschicken können. Datenpflege im CRM ist mühsam.",
]


def doc(i: int, text: str, *, account: str | None = None, role: str = "customer", **kw) -> Document:
    fields = {
        "doc_id": f"d{i:03d}",
        "source": ("call", "crm", "email")[i % 3],
        "file": f"inputs/f{i}.txt",
        "account": account if account is not None else f"acc{i}",
        "date": date(2026, 10, 1),
        "language": "de",
        "segments": [Segment(role, text), Segment("rep", REP)],
    }
    fields.update(kw)
    return Document(**fields)


@pytest.fixture(scope="module")
def extractor() -> PhraseExtractor:
    return PhraseExtractor()


@pytest.fixture(scope="module")
def corpus() -> list[Document]:
    return [doc(i, t) for i, t in enumerate(CUSTOMER_LINES)]


def by_key(terms: list[Term]) -> dict[str, Term]:
    return {t.key: t for t in terms}


def vocab(docs, extractor, config: Config | None = None, **kw) -> list[Term]:
    return build_vocabulary(
        docs, config=config or Config(), report_month=MONTH, extractor=extractor, **kw
    )


def test_counts_group_variants_and_pick_the_most_common_surface(corpus, extractor) -> None:
    terms = by_key(vocab(corpus, extractor))
    datev = terms["datev schnittstelle"]
    assert datev.keyword == "Schnittstelle zu DATEV"  # 2x, against 1x "DATEV-Schnittstelle"
    assert (datev.mentions, datev.documents, datev.accounts) == (3, 3, 3)
    assert datev.doc_ids == ["d000", "d001", "d004"]
    assert datev.sources == {"call": 1, "crm": 2}
    assert datev.monthly == {"2026-10": 3}
    assert datev.first_seen == datev.last_seen == date(2026, 10, 1)
    assert "DATEV" in datev.example and len(datev.example) <= EXAMPLE_MAX_CHARS
    crm_tool = terms["crm tool"]
    assert crm_tool.documents == 2 and crm_tool.keyword in ("CRM-Tool", "CRM Tool")
    assert terms["angebot pdf verschicken"].documents == 3


def test_small_talk_never_becomes_a_term(corpus, extractor) -> None:
    keys = set(by_key(vocab(corpus, extractor)))
    assert not {"danken", "naechst woche", "woche", "zeit"} & keys


def test_rep_segments_never_count(corpus, extractor) -> None:
    keys = set(by_key(vocab(corpus, extractor)))
    # The rep says these in every document; customers never do.
    assert not {"kundenportal", "dashboard", "mustercrm", "vertragsverwaltung"} & keys


def test_terms_are_sorted_by_relevance_and_respect_min_documents(corpus, extractor) -> None:
    terms = vocab(corpus, extractor)
    assert terms == sorted(terms, key=lambda t: (-t.relevance, t.key))
    assert all(t.documents >= 2 for t in terms)
    config = Config()
    config.vocabulary.min_documents = 3
    assert all(t.documents >= 3 for t in vocab(corpus, extractor, config))
    config.vocabulary.max_candidates = 2
    assert len(vocab(corpus, extractor, config)) == 2


def test_paraphrase_weight_counts_rep_notes_less(extractor) -> None:
    line = "Kunde fragt nach einer Schnittstelle zu DATEV."
    customer = [doc(i, line) for i in range(3)]
    notes = [doc(i, line, role="unknown") for i in range(3)]
    said = by_key(vocab(customer, extractor))["datev schnittstelle"]
    noted = by_key(vocab(notes, extractor))["datev schnittstelle"]
    assert noted.mentions == said.mentions == 3
    assert noted.relevance < said.relevance
    config = Config()
    config.vocabulary.paraphrase_weight = 0.0
    assert "datev schnittstelle" not in by_key(vocab(notes, extractor, config))


def test_many_customers_beat_one_customer_repeating_himself(extractor) -> None:
    many = [doc(i, "Wir brauchen eine Schnittstelle zu DATEV.") for i in range(4)]
    one = [doc(10 + i, "Die Anbindung an Lexware fehlt.", account="acme") for i in range(4)]
    other = [doc(20 + i, "Hallo zusammen.", account="acme") for i in range(2)]
    terms = by_key(vocab(many + one + other, extractor))
    assert terms["datev schnittstelle"].relevance > terms["anbindung lexware"].relevance
    assert terms["anbindung lexware"].accounts == 1
    # One account using it in most of its documents: boilerplate, flagged.
    assert "boilerplate" in terms["anbindung lexware"].flags


def test_templated_sentences_are_penalised(extractor) -> None:
    footer = "Diese E-Mail enthält vertrauliche Informationen der Firma Beispiel Logistik."
    docs = [doc(i, f"Wir brauchen eine Tourenplanung. {footer}") for i in range(5)]
    terms = by_key(vocab(docs, extractor))
    footer_terms = [t for k, t in terms.items() if "vertraulich" in k.split()]
    assert footer_terms and all("boilerplate" in t.flags for t in footer_terms)
    planning = terms[phrase_key("Tourenplanung", "de")]  # "planung tour": a split compound
    assert "boilerplate" not in planning.flags
    assert all(planning.relevance > t.relevance for t in footer_terms)


def test_recent_mentions_score_higher(extractor) -> None:
    line = "Wir brauchen eine Schnittstelle zu DATEV."
    recent = [doc(i, line, date=date(2026, 10, 2)) for i in range(3)]
    old = [doc(i, line, date=date(2025, 11, 2)) for i in range(3)]
    r = by_key(vocab(recent, extractor))["datev schnittstelle"]
    o = by_key(vocab(old, extractor))["datev schnittstelle"]
    assert r.relevance > o.relevance


def test_nested_phrase_gives_way_to_the_longer_candidate(corpus, extractor) -> None:
    keys = set(by_key(vocab(corpus, extractor)))
    # "Angebote als PDF" is only ever said inside "Angebote als PDF verschicken".
    assert "angebot pdf verschicken" in keys and "angebot pdf" not in keys
    # A name stands on its own even when mostly said inside a phrase.
    assert "datev" in keys


def test_general_language_scores_below_specific_phrases(extractor) -> None:
    text = "Der Preis ist hoch. Viele Nutzer sind unzufrieden. Wir brauchen eine Lohnabrechnung."
    terms = by_key(vocab([doc(i, text) for i in range(3)], extractor))
    assert terms[phrase_key("Lohnabrechnung", "de")].relevance > terms["nutzer"].relevance > 0
    # One of the most common words alone is no keyword at all.
    assert "preis" not in terms
    config = Config()
    config.vocabulary.always_keep = ["Preis"]
    assert "preis" in by_key(vocab([doc(i, text) for i in range(3)], extractor, config))


def test_always_keep_and_always_drop(corpus, extractor) -> None:
    config = Config()
    config.vocabulary.always_drop = ["CRM-Tools"]
    config.vocabulary.always_keep = ["Lizenz pro Nutzer"]
    keys = set(by_key(vocab(corpus, PhraseExtractor(config.vocabulary), config)))
    assert "crm tool" not in keys
    assert "lizenz nutzer pro" in keys  # one document only, kept anyway
    config.vocabulary.max_candidates = 1
    kept = vocab(corpus, PhraseExtractor(config.vocabulary), config)
    assert [t.key for t in kept] == ["lizenz nutzer pro"]


def test_brand_and_jargon_flags(corpus, extractor) -> None:
    config = Config()
    config.company.brand_terms = ["DATEV"]
    config.vocabulary.jargon = ["Datenpflege"]
    terms = by_key(vocab(corpus, PhraseExtractor(config.vocabulary, config.company), config))
    assert "brand" in terms["datev schnittstelle"].flags
    assert "brand" in terms["datev"].flags
    assert "brand" not in terms["crm tool"].flags
    upkeep = phrase_key("Datenpflege im CRM", "de")  # "crm daten pflege"
    assert "jargon" in terms[upkeep].flags
    plain = by_key(vocab(corpus, extractor))
    assert terms[upkeep].relevance < plain[upkeep].relevance


def test_website_gap_flag(corpus, extractor) -> None:
    site = [("Unsere Software bietet eine DATEV-Schnittstelle und ein modernes CRM-Tool.", "de")]
    terms = by_key(vocab(corpus, extractor, website_texts=site))
    assert "not_on_website" not in terms["datev schnittstelle"].flags
    assert "not_on_website" not in terms["crm tool"].flags
    assert "not_on_website" in terms["angebot pdf verschicken"].flags
    assert all("not_on_website" not in t.flags for t in vocab(corpus, extractor))
    no_site = vocab(corpus, extractor, website_texts=(t for t in []))
    assert all("not_on_website" not in t.flags for t in no_site)


def test_languages_are_counted_apart_and_other_languages_work(extractor) -> None:
    docs = [
        doc(1, "We need an integration with Salesforce.", language="en"),
        doc(2, "Is there an integration with Salesforce?", language="en"),
        doc(3, "Nous cherchons un logiciel de facturation.", language="fr"),
        doc(4, "Un logiciel de facturation simple.", language="fr"),
        doc(5, "Logiciel de facturation?", language="und"),
    ]
    terms = vocab(docs, extractor)
    langs = {(t.language, t.key) for t in terms}
    assert ("en", "integration salesforce") in langs
    assert ("fr", "logiciel") in langs or ("fr", "facturation") in langs


def test_output_is_deterministic_whatever_the_document_order(corpus, extractor) -> None:
    first = vocab(corpus, extractor)
    shuffled = list(corpus)
    random.Random(7).shuffle(shuffled)
    second = vocab(shuffled, PhraseExtractor())
    assert [dataclasses.asdict(t) for t in first] == [dataclasses.asdict(t) for t in second]


def test_long_example_is_cut_around_the_phrase(extractor) -> None:
    filler = "und dann haben wir noch sehr lange über alles Mögliche gesprochen " * 4
    text = f"{filler} wir brauchen die Schnittstelle zu DATEV dringend {filler}."
    docs = [doc(i, text) for i in range(2)]
    term = by_key(vocab(docs, extractor))["datev schnittstelle"]
    assert "Schnittstelle zu DATEV" in term.example
    assert len(term.example) <= EXAMPLE_MAX_CHARS
    assert term.example.startswith("…") and term.example.endswith("…")


def test_bad_report_month_is_a_clear_error(corpus, extractor) -> None:
    with pytest.raises(ValueError, match="month '2026/10': expected YYYY-MM"):
        build_vocabulary(corpus, config=Config(), report_month="2026/10", extractor=extractor)


def test_towns_codes_and_note_pointers_are_no_keywords_alone(extractor) -> None:
    """CRM notes say where a customer sits and use shorthand; none of it is a search term,
    but a phrase around a town stays (local search)."""
    lines = [
        "Kunde aus Husum, GF will Zeiterfassung. WV im Oct. Angebot v2 siehe Notiz.",
        "Betrieb in Husum, MA fragen nach Zeiterfassung. WV im Oct, siehe Notiz.",
        "Filiale Husum: GF und MA wollen Zeiterfassung, v2 gefällt. Moin! Siehe Notiz.",
        "Wir suchen Handwerkersoftware Bremen und Software in Utrecht, Essen und Nürnberg.",
        "Handwerkersoftware Bremen gesucht; Standorte Utrecht, Essen und Nürnberg.",
    ]
    terms = vocab([doc(i, t) for i, t in enumerate(lines)], extractor)
    keywords = {t.keyword for t in terms}
    assert "Zeiterfassung" in keywords
    for noise in ("Husum", "Utrecht", "Nürnberg", "GF", "MA", "WV", "Oct", "v2", "Moin"):
        assert noise not in keywords, noise
    assert not any(k.lower().startswith("siehe") for k in keywords)
    assert "Handwerkersoftware Bremen" in keywords  # a town inside a phrase stays


def test_town_names_that_are_everyday_words_stay_words() -> None:
    assert all(is_town(w) for w in ("Husum", "Utrecht", "Nürnberg", "München", "Zürich"))
    assert not any(is_town(w) for w in ("Essen", "Hof", "Keller", "Mobile", "Reading"))
    assert not any(is_town(w) for w in ("Zeiterfassung", "Salesforce", "DATEV", "Baustelle"))
    assert not is_town("husum")  # a town is written with a capital


def test_always_keep_beats_the_town_and_code_filters(extractor) -> None:
    lines = ["Wir sind in Husum und brauchen QR-Codes, KI und PDF."] * 2
    config = Config()
    config.vocabulary.always_keep = ["Husum", "KI"]
    terms = vocab([doc(i, t) for i, t in enumerate(lines)], extractor, config)
    assert {"Husum", "KI"} <= {t.keyword for t in terms}
