"""The blank path's fast engine: tags over whole arrays, joined batches, caches, processes.

The engine joins many texts into one pass and caches word and span facts; these tests check
that none of that changes what is found: the same text gives the same phrases alone, in a
batch, after thousands of other texts, with colliding hashes, after a cache reset, and in
worker processes.
"""

from __future__ import annotations

import random

import pytest
import spacy

import kundensprache.extractors.phrases as phrases_module
from kundensprache.extractors.phrases import PhraseExtractor
from kundensprache.extractors.tag_rules import blank_tags
from kundensprache.extractors.tagging import WordInfo, units

TEXTS = [
    ("Wir suchen eine Software für Handwerker. Gibt es eine Schnittstelle zu DATEV?", "de"),
    ("Wie kann ich Angebote als PDF verschicken? Die Synchronisation funktioniert nicht.", "de"),
    ("Unser altes CRM-Tool ist zu langsam, die Datenpflege im CRM kostet viel Zeit.", "de"),
    ("How do I top up my card? Is there a fee for international transfers?", "en"),
    ("My card payment was declined at the ATM. We need an integration with Salesforce.", "en"),
    ("Why hasn't my new card arrived yet? The exchange rate was wrong.", "en"),
    ("Nous cherchons un logiciel de facturation pour artisans.", "fr"),
    ("", "de"),
]


def as_tuples(found):
    return [[tuple(p) for p in text] for text in found]


@pytest.mark.parametrize(
    ("text", "lang", "tags"),
    [
        # A capitalised verb opening a clause before an article ("Lösche den Wecker").
        ("Lösche den Wecker", "de", "IDN"),
        # Adjective before a noun; a clause-final infinitive before a modal.
        ("Angebote als PDF verschicken können", "de", "NPMVS"),
        ("Brauchen wir das CRM-Tool", "de", "OSDN"),  # hyphenated word joined again
        # Participle after an auxiliary is a verb; a verb particle after a verb.
        ("the card was declined yesterday", "en", "DNXVN"),
        ("I want to top up my card", "en", "SOPVRDN"),
        # Participles chained before a noun are adjectives.
        ("a declined pending transfer fee", "en", "DAANN"),
        # A salutation and the name after it are no topic.
        ("Herr Meier and Mrs Smith called", "en", "SSSSSV"),
    ],
)
def test_tags_follow_the_documented_rules(text: str, lang: str, tags: str) -> None:
    doc = spacy.blank(lang)(text)
    info = WordInfo(lang)
    rows, starts = info.doc_rows([doc], [0])
    unit = units(rows, starts, text, info)
    assert blank_tags(unit.rows, info).tobytes().decode("ascii") == tags


def test_texts_in_one_batch_never_share_a_phrase() -> None:
    found = list(
        PhraseExtractor().pipe([("Wir brauchen eine Software für", "de"), ("Handwerker", "de")])
    )
    assert "Software für" not in {p.surface for p in found[0]}
    assert not any("Handwerker" in p.surface for p in found[0])
    assert [p.surface for p in found[1]] == ["Handwerker"]


def test_batch_gives_what_each_text_gives_alone() -> None:
    alone = [PhraseExtractor().extract(text, lang) for text, lang in TEXTS]
    batch = list(PhraseExtractor().pipe(TEXTS))
    assert as_tuples(batch) == as_tuples(alone)
    assert all(
        text[p.start : p.end] == p.surface
        for (text, _), ps in zip(TEXTS, batch, strict=True)
        for p in ps
    )


def test_warm_caches_give_the_same_phrases() -> None:
    rng = random.Random(3)
    words = " ".join(t for t, _ in TEXTS).split()
    noise = [
        (" ".join(rng.choices(words, k=30)), lang) for lang in ("de", "en") for _ in range(400)
    ]
    warm = PhraseExtractor()
    for _ in warm.pipe(noise):
        pass
    assert as_tuples(warm.pipe(TEXTS)) == as_tuples(PhraseExtractor().pipe(TEXTS))


def test_colliding_span_hashes_are_told_apart_by_the_second_hash() -> None:
    colliding = PhraseExtractor()
    for lang in ("de", "en", "fr"):
        info = colliding._word_info(lang)
        info.hash1[:] = 0  # every span now has the same first hash
    assert as_tuples(colliding.pipe(TEXTS * 2)) == as_tuples(PhraseExtractor().pipe(TEXTS * 2))


def test_word_table_is_rebuilt_when_it_grows_too_large(monkeypatch) -> None:
    monkeypatch.setattr(phrases_module, "MAX_WORDS", 10)
    small = PhraseExtractor()
    first = as_tuples(small.pipe(TEXTS))
    table = small._words["de"]
    second = as_tuples(small.pipe(TEXTS))
    assert small._words["de"] is not table  # the table was dropped and rebuilt
    assert first == second == as_tuples(PhraseExtractor().pipe(TEXTS))


def test_worker_processes_give_the_same_phrases_in_order() -> None:
    items = TEXTS * 40  # several batches
    extractor = PhraseExtractor()
    try:
        parallel = as_tuples(extractor.pipe(items, n_process=2))
    finally:
        extractor.close()
    assert parallel == as_tuples(PhraseExtractor().pipe(items))
