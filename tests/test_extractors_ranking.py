"""Ranking for search: learnt rep jargon, template edges, head words, legal forms, verb fragments.

One generated month: customers (role ``customer``) talk about their needs; reps' CRM notes
(role ``unknown``) open with a template line and are full of sales shorthand.
"""

from __future__ import annotations

import random
from datetime import date

import pytest

from kundensprache.core.config import Config
from kundensprache.core.models import Document, Segment, Term
from kundensprache.extractors.phrases import PhraseExtractor, phrase_key
from kundensprache.extractors.ranking import (
    CompanyNames,
    count_roles,
    everyday_verb_fragment,
    has_legal_form,
    head_words,
)
from kundensprache.extractors.vocabulary import build_vocabulary

NEEDS = [
    "Wir brauchen eine Schnittstelle zu DATEV für die Buchhaltung.",
    "Ein CRM für Handwerker wäre ideal, die Datenpflege im CRM kostet uns Stunden.",
    "Die Einsatzplanung für Monteure machen wir noch mit einer Magnettafel.",
    "Gibt es eine mobile Zeiterfassung, die auch offline auf der Baustelle läuft?",
    "Unsere Lagerverwaltung ist eine Excel-Liste, der Lagerbestand stimmt nie.",
    "Angebote als PDF verschicken dauert bei uns viel zu lange.",
    "Wir wollen Wartungsverträge verwalten, mit Intervallen pro Anlage.",
    "Was kostet eine Lizenz pro Nutzer im Monat?",
    "Die Rechnungen schreiben wir in Word, das ist fehleranfällig.",
    "Wir haben doppelte Kundendaten in drei verschiedenen Programmen.",
]
OPENERS = ["Also", "Ehrlich gesagt", "Kurz gesagt", "Für uns gilt", "Wichtig", "Ganz klar", "Na ja"]
SHORTHAND = [
    "Forecast-Call mit Vertriebsleitung.",
    "Pipeline-Review am Freitag.",
    "Deal-Stage Verhandlung gesetzt.",
    "Follow-up mit Geschäftsführung.",
    "Upsell-Potenzial prüfen.",
]
JARGON = ["Forecast-Call", "Pipeline-Review", "Deal-Stage", "Upsell-Potenzial"]
TEMPLATE = "Gesprächsnotiz Vertriebsinnendienst zu {name}"


def month() -> list[Document]:
    rng = random.Random(7)
    docs = []
    for i in range(40):
        text = " ".join(f"{rng.choice(OPENERS)}: {n}" for n in rng.sample(NEEDS, 4))
        docs.append(_doc(f"c{i:02d}", "call", f"acc{i % 20}", [Segment("customer", text)]))
    for i in range(30):
        need = rng.choice(NEEDS)
        lines = [
            TEMPLATE.format(name=f"Firma {chr(65 + i % 26)}{i}"),
            f"Kunde sagt, {rng.choice(OPENERS).lower()}: {need}",
            *rng.sample(SHORTHAND, 3),
        ]
        text = "\n".join(lines)
        docs.append(_doc(f"n{i:02d}", "crm", f"acc{i % 20}", [Segment("unknown", text)]))
    docs.append(
        _doc("m1", "email", "acc1", [Segment("customer", "Muster Haustechnik GmbH, Kiel.")])
    )
    docs.append(
        _doc("m2", "email", "acc2", [Segment("customer", "Muster Haustechnik GmbH sagt hallo.")])
    )
    return docs


def _doc(doc_id: str, source: str, account: str, segments: list[Segment]) -> Document:
    return Document(doc_id, source, f"{doc_id}.txt", account, date(2026, 10, 1), "de", segments)


@pytest.fixture(scope="module")
def terms() -> dict[str, Term]:
    found = build_vocabulary(
        month(), config=Config(), report_month="2026-10", extractor=PhraseExtractor()
    )
    return {t.key: t for t in found}


def key(text: str) -> str:
    return phrase_key(text, "de")


def test_template_lines_are_dropped(terms) -> None:
    assert not any("gespraechsnotiz" in k or "innendienst" in k for k in terms)
    # without the rule the template line is a candidate: the test data really plants it
    line = "Gesprächsnotiz Vertriebsinnendienst"
    roles = count_roles(month(), [("de", key(line), line)])
    assert roles.template(key("Gesprächsnotiz Vertriebsinnendienst"))


def test_rep_shorthand_is_learnt_as_jargon_and_never_leads(terms) -> None:
    ranked = sorted(terms.values(), key=lambda t: -t.relevance)
    shorthand = [
        t for t in ranked if any(set(key(j).split()) <= set(t.key.split()) for j in JARGON)
    ]
    assert len(shorthand) >= 2, "the shorthand was not counted at all"
    for t in shorthand:
        assert "jargon" in t.flags, t.keyword
    top = {t.key for t in ranked[:10]}
    assert not top & {t.key for t in shorthand}


def test_customer_needs_are_not_jargon(terms) -> None:
    for need in ("Schnittstelle zu DATEV", "Einsatzplanung für Monteure", "CRM für Handwerker"):
        t = terms[key(need)]
        assert not {"jargon", "rep_only"} & set(t.flags), need


def test_legal_forms_never_become_candidates(terms) -> None:
    assert not any(has_legal_form(k.split()) for k in terms)


def test_head_words_rank_below_their_phrases(terms) -> None:
    crm = terms.get(key("CRM"))
    if crm is not None:
        assert "head" in crm.flags
        assert crm.relevance < terms[key("CRM für Handwerker")].relevance


def test_head_words_are_common_or_heads_of_other_candidates() -> None:
    entries = [
        ("de", "crm", 1),
        ("de", "crm handwerker", 3),
        ("de", "crm datenpflege", 3),
        ("de", "software", 1),
        ("de", "inventur", 1),
        ("de", "datev", 1),
        ("de", "datev schnittstelle", 3),
    ]
    heads = head_words(entries)
    assert ("de", "crm") in heads  # inside two longer candidates
    assert ("de", "software") in heads  # everyday word
    assert ("de", "inventur") not in heads  # specific, on its own
    assert ("de", "datev") in heads  # the head of "Schnittstelle zu DATEV"


def test_everyday_verbs_make_fragments_task_verbs_do_not() -> None:
    assert everyday_verb_fragment("Lizenzkosten pro Nutzer entscheiden", "verb_phrase", "de")
    assert not everyday_verb_fragment("Angebote als PDF verschicken", "verb_phrase", "de")
    assert not everyday_verb_fragment("Wartungsverträge verwalten", "verb_phrase", "de")
    assert not everyday_verb_fragment("Was kostet eine Lizenz", "question", "de")


def test_role_counts_see_both_sides() -> None:
    docs = month()
    wanted = [("de", key(p), p) for p in ("Pipeline-Review", "Schnittstelle zu DATEV")]
    roles = count_roles(docs, wanted)
    assert roles.rep[key("Pipeline-Review")] > 5 and roles.customer[key("Pipeline-Review")] == 0
    assert roles.jargon(key("Pipeline-Review"))
    assert not roles.jargon(key("Schnittstelle zu DATEV"))
    assert roles.customer[key("Schnittstelle zu DATEV")] > 5


def _seg_doc(doc_id: str, account: str, day: int, segments, lang: str = "de") -> Document:
    segs = [Segment(role, text) for role, text in segments]
    return Document(doc_id, "call", f"{doc_id}.txt", account, date(2026, 10, day), lang, segs)


def test_a_mention_stays_within_one_sentence_and_ends_at_a_word_end() -> None:
    docs = [
        _seg_doc("a", "acc", 1, [("customer", "Fragen für die Demo:\n- Geht Lagerbestand live?")]),
        _seg_doc("b", "acc", 2, [("customer", "Die Demo. Lager haben wir zwei.")]),
        _seg_doc("c", "acc", 3, [("customer", "Wir brauchen die Demo Lager bis Freitag.")]),
        # four words between "DATEV" and "Export": not the phrase "DATEV-Export"
        _seg_doc("d", "acc", 4, [("customer", "DATEV wäre ihm lieber als ein Export.")]),
        _seg_doc("e", "acc", 5, [("customer", "Wir suchen Lagerverwaltungssoftware.")]),
    ]
    wanted = [("de", key(p), p) for p in ("Demo Lager", "DATEV-Export", "Verwaltungssoftware")]
    roles = count_roles(docs, wanted)
    assert roles.customer[key("Demo Lager")] == 1  # only document c
    assert roles.customer[key("DATEV-Export")] == 0
    assert roles.customer[key("Verwaltungssoftware")] == 1  # a compound's end is its mention


def test_a_customer_echoing_our_word_does_not_make_it_theirs() -> None:
    rep = [("rep", "Wir machen vorher einen Testimport mit Ihren Daten.")]
    echo = [("customer", "Für den Testimport brauchen wir Adminrechte.")]
    filler = [("customer", "Unsere Monteure planen alles auf Papier. " * 80)]
    docs = [
        *(_seg_doc(f"r{i}", f"acc{i}", 1, rep) for i in range(4)),
        *(_seg_doc(f"e{i}", f"acc{i}", 2, echo) for i in range(2)),
        *(_seg_doc(f"f{i}", f"acc{i}", 3, filler) for i in range(4)),
        *(
            _seg_doc(f"g{i}", f"acc{i}", 3, [("rep", "Danke für das Gespräch. " * 120)])
            for i in range(4)
        ),
    ]
    roles = count_roles(docs, [("de", key("Testimport"), "Testimport")])
    assert roles.customer[key("Testimport")] == 2 and roles.own[key("Testimport")] == 0
    assert roles.jargon(key("Testimport"))
    # said first by the customer, it is the customer's own word
    first = [_seg_doc(f"e{i}", f"acc{i}", 1, echo) for i in range(2)]
    later = [_seg_doc(f"r{i}", f"acc{i}", 2, rep) for i in range(4)]
    roles = count_roles(first + later + docs[6:], [("de", key("Testimport"), "Testimport")])
    assert roles.own[key("Testimport")] == 2 and not roles.jargon(key("Testimport"))


def test_phrases_in_contact_lines_are_boilerplate() -> None:
    docs = [
        _seg_doc(f"m{i}", f"acc{i}", 1, [("customer", f"Alles klar. {line}")])
        for i, line in enumerate(
            [
                "Für Rückfragen erreichen Sie mich unter [TELEFON].",
                "Bei Rückfragen gern an [E-MAIL] schreiben.",
                "Die Schnittstelle zu DATEV ist uns wichtig.",
                "Rückfragen bitte direkt, [TELEFON], meine Durchwahl.",
            ]
        )
    ]
    wanted = [("de", key(p), p) for p in ("Rückfragen", "Schnittstelle zu DATEV")]
    roles = count_roles(docs, wanted)
    assert roles.template(key("Rückfragen"))
    assert not roles.template(key("Schnittstelle zu DATEV"))


def test_company_names_are_learnt_from_the_accounts() -> None:
    names = CompanyNames(
        [
            "Holzbau Schneider GmbH",
            "Maschinenbau Lindner AG",
            "Metallbau Krause GmbH",
            "Brightline Logistics Ltd",
            "petersen-grosshandel.de",  # a mail domain teaches nothing
        ]
    )
    assert names.named("Kessler Anlagenbau", "de")  # a proper name beside a trade
    assert names.named("Brightline Logistics", "en")  # an account's own name
    assert names.named("Holzbau", "de")
    assert not names.named("Schnittstelle zu DATEV", "de")
    assert not names.named("Datenmigration Kundenstamm", "de")
    assert not names.named("Lagerverwaltung", "de")
    assert not names.named("Grosshandel", "de")


def test_contact_placeholders_are_the_redaction_placeholders() -> None:
    from kundensprache.extractors.ranking import CONTACT_PLACEHOLDERS
    from kundensprache.ingest.redact import PLACEHOLDERS

    assert set(CONTACT_PLACEHOLDERS) <= set(PLACEHOLDERS)


def test_phrases_opening_notes_of_a_frequent_note_type_are_template() -> None:
    """One-line CRM notes that start with their type ("Anfrage per …") have no template line,
    yet the phrase after the type is the form's, not a need; the rest of a note is body."""
    channels = ["Telefon", "Mail", "Website", "Messe", "Partner", "Telefon", "Mail"]
    notes = [f"Anfrage per {c}, Rückruf. Lagerverwaltung gewünscht." for c in channels]
    docs = [
        Document(f"n{i}", "crm", "crm.csv", f"acc{i}", date(2026, 10, 1 + i), "de", [seg])
        for i, seg in enumerate(Segment("unknown", text) for text in notes)
    ]
    customer = [("customer", "Ich krieg Anfragen per Telefon und die Lagerverwaltung hakt.")]
    docs.append(_seg_doc("k", "acck", 20, customer))
    wanted = [("de", key(p), p) for p in ("Anfrage per Telefon", "Lagerverwaltung")]
    roles = count_roles(docs, wanted)
    assert roles.template(key("Anfrage per Telefon"))  # 2 of its 3 mentions open a note
    assert not roles.template(key("Lagerverwaltung"))  # said in the notes' body
    # four notes of one type are too few to call it a type
    roles = count_roles(docs[:4] + docs[-1:], wanted)
    assert not roles.template(key("Anfrage per Telefon"))
    # customers' own texts have no note type, however alike they start
    said = [_seg_doc(f"c{i}", f"acc{i}", 1 + i, [("customer", n)]) for i, n in enumerate(notes)]
    assert not count_roles(said, wanted).template(key("Anfrage per Telefon"))
