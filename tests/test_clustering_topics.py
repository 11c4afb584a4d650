"""Topics from real embeddings: grouping, outliers, labels, stable ids, query assignment."""

from __future__ import annotations

import numpy as np
import pytest
from sklearn.metrics import normalized_mutual_info_score

from kundensprache.clustering import (
    OUTLIER_ID,
    OUTLIER_LABEL,
    assign_texts,
    assign_to_topics,
    cluster_texts,
    embed_and_cluster,
    embed_texts,
    load_encoder,
)
from kundensprache.core.config import ClusteringConfig, Config
from kundensprache.core.models import KnownCluster
from kundensprache.store.db import Store

TOPICS_DE = {
    "preis": [
        "was kostet eine Lizenz pro Nutzer",
        "Preis pro Benutzer im Monat",
        "Lizenzkosten sind zu hoch",
        "gibt es Rabatt bei Jahreszahlung",
        "Kosten für zusätzliche Lizenzen",
        "Preismodell für kleine Teams",
    ],
    "sap": [
        "Schnittstelle zu SAP",
        "Anbindung an SAP S/4HANA",
        "SAP Integration für Aufträge",
        "Daten aus SAP importieren",
        "Export nach SAP Business One",
        "Synchronisation mit dem SAP-System",
    ],
    "dsgvo": [
        "DSGVO-konforme Datenspeicherung",
        "Serverstandort in Deutschland",
        "Auftragsverarbeitungsvertrag nach DSGVO",
        "Datenschutz bei Kundendaten",
        "Hosting in der EU wegen Datenschutz",
        "Löschkonzept für personenbezogene Daten",
    ],
    "schulung": [
        "Schulung für neue Mitarbeiter",
        "Onboarding der Vertriebsmitarbeiter",
        "Einarbeitung ins System dauert lange",
        "Workshop zur Einführung",
        "Trainingsvideos für Anwender",
        "Einführungsschulung vor Ort",
    ],
    "support": [
        "Support antwortet zu langsam",
        "Reaktionszeit des Supports",
        "telefonischer Support am Wochenende",
        "Ticket wurde nicht bearbeitet",
        "Hotline ist schwer erreichbar",
        "schnellere Hilfe bei Störungen",
    ],
    "app": [
        "mobile App für den Außendienst",
        "App funktioniert offline nicht",
        "Smartphone-App für Vertreter",
        "iPhone App stürzt ab",
        "Android App für Kundenbesuche",
        "Notizen unterwegs auf dem Handy erfassen",
    ],
}

# A seventh topic that only turns up "next month".
NEW_TOPIC_DE = [
    "Rechnung als PDF per E-Mail",
    "Rechnungsstellung automatisieren",
    "Rechnungen an DATEV übergeben",
    "Rechnungsvorlage anpassen",
    "Mahnwesen für offene Rechnungen",
    "Gutschrift zur Rechnung erstellen",
]

OFF_TOPIC_DE = "Wetter in Hamburg war schlecht"


def phrases() -> tuple[list[str], list[str]]:
    """(texts, gold topic per text) for the six topics."""
    texts = [t for group in TOPICS_DE.values() for t in group]
    gold = [name for name, group in TOPICS_DE.items() for _ in group]
    return texts, gold


@pytest.fixture(scope="module")
def use():
    return load_encoder("use-multilingual")


@pytest.fixture(scope="module")
def month_a(use):
    texts, gold = phrases()
    return texts, gold, embed_texts(texts, use)


def _majority_id(clustering, indices: list[int]) -> tuple[str, float]:
    ids = [clustering.assignments[i] for i in indices]
    best = max(sorted(set(ids)), key=ids.count)
    return best, ids.count(best) / len(ids)


def test_german_topics_are_found_without_k(month_a):
    texts, gold, emb = month_a
    clustering = cluster_texts(texts, emb)
    real = [t for t in clustering.topics if not t.is_outlier]
    assert 4 <= len(real) <= 9
    assert normalized_mutual_info_score(gold, clustering.assignments) > 0.7
    # Every phrase is accounted for exactly once, in input order.
    assert len(clustering.assignments) == len(texts)
    members = sorted(i for t in clustering.topics for i in t.member_indices)
    assert members == list(range(len(texts)))


def test_labels_are_member_phrases_and_readable(month_a):
    texts, _, emb = month_a
    clustering = cluster_texts(texts, emb)
    for topic in clustering.topics:
        if topic.is_outlier:
            continue
        assert topic.label in {texts[i] for i in topic.member_indices}
        assert clustering.label_of(topic.cluster_id) == topic.label
    sap = [i for i, t in enumerate(texts) if "SAP" in t]
    sap_id, _ = _majority_id(clustering, sap)
    assert "SAP" in clustering.label_of(sap_id)


def test_label_prefers_the_phrase_customers_use_most(month_a):
    texts, _, emb = month_a
    plain = cluster_texts(texts, emb)
    sap_id, _ = _majority_id(plain, [i for i, t in enumerate(texts) if "SAP" in t])
    members = plain.topic(sap_id).member_indices
    other = next(i for i in members if texts[i] != plain.label_of(sap_id))
    weights = [1.0] * len(texts)
    weights[other] = 1000.0  # customers say this one all the time
    weighted = cluster_texts(texts, emb, weights=weights)
    assert weighted.assignments == plain.assignments  # weights shape labels, not topics
    assert weighted.label_of(sap_id) == texts[other]


def test_tiny_and_empty_inputs(use):
    assert cluster_texts([], np.zeros((0, 512), dtype=np.float32)).assignments == []
    one = cluster_texts(["Schnittstelle zu SAP"], embed_texts(["Schnittstelle zu SAP"], use))
    assert one.assignments == [OUTLIER_ID]  # a single phrase is no topic (min size 2)
    pair = ["Schnittstelle zu SAP", "SAP-Schnittstelle"]
    two = cluster_texts(pair, embed_texts(pair, use))
    assert two.assignments[0] == two.assignments[1] != OUTLIER_ID
    clustering, encoders = embed_and_cluster([], [], config=Config())
    assert clustering.assignments == [] and encoders == {}
    with pytest.raises(ValueError, match="2 texts but 1 embeddings"):
        cluster_texts(pair, embed_texts(pair[:1], use))


def test_same_input_gives_same_topics_and_ids(month_a):
    texts, _, emb = month_a
    first = cluster_texts(texts, emb)
    second = cluster_texts(list(texts), emb.copy())
    assert first.assignments == second.assignments
    assert [(t.cluster_id, t.label) for t in first.topics] == [
        (t.cluster_id, t.label) for t in second.topics
    ]


def test_outlier_group_is_always_listed_and_takes_what_fits_nowhere(use, month_a):
    texts, _, emb = month_a
    clean = cluster_texts(texts, emb)
    assert clean.topics[-1].cluster_id == OUTLIER_ID
    assert clean.topics[-1].label == OUTLIER_LABEL and clean.topics[-1].is_outlier
    noisy_texts = [*texts, OFF_TOPIC_DE]
    noisy = cluster_texts(noisy_texts, np.vstack([emb, embed_texts([OFF_TOPIC_DE], use)]))
    assert noisy.assignments[-1] == OUTLIER_ID
    assert len(noisy.topic(OUTLIER_ID).member_indices) < len(texts) // 4
    # Groups below min_cluster_size are outliers too.
    strict = cluster_texts(texts, emb, config=ClusteringConfig(min_cluster_size=50))
    assert set(strict.assignments) == {OUTLIER_ID}
    assert [t.cluster_id for t in strict.topics] == [OUTLIER_ID]


def test_topic_keeps_its_id_next_month_and_new_topic_gets_new_id(use, month_a):
    texts, _, emb = month_a
    april = cluster_texts(texts, emb)
    snapshot = april.snapshot(texts)
    taken = {c.cluster_id for c in snapshot}
    may_texts = texts + NEW_TOPIC_DE
    may_emb = np.vstack([emb, embed_texts(NEW_TOPIC_DE, use)])
    may = cluster_texts(may_texts, may_emb, previous=snapshot, taken_ids=taken)
    kept = sum(a == b for a, b in zip(april.assignments, may.assignments, strict=False))
    assert kept / len(texts) >= 0.9
    new_id, share = _majority_id(may, list(range(len(texts), len(may_texts))))
    assert share >= 0.5
    assert new_id not in taken and new_id != OUTLIER_ID
    # Re-running May with the same history gives the same ids.
    again = cluster_texts(may_texts, may_emb, previous=snapshot, taken_ids=taken)
    assert again.assignments == may.assignments


def test_ids_of_vanished_topics_are_never_reused(use, month_a):
    texts, _, emb = month_a
    april = cluster_texts(texts, emb)
    invoices = np.vstack([emb, embed_texts(NEW_TOPIC_DE, use)])
    # Old ids from any earlier month, including one far above the current numbers.
    taken = {c.cluster_id for c in april.snapshot(texts)} | {"C0042"}
    only_new = cluster_texts(
        NEW_TOPIC_DE, invoices[len(texts) :], previous=april.snapshot(texts), taken_ids=taken
    )
    new_ids = {t.cluster_id for t in only_new.topics if not t.is_outlier}
    assert new_ids and not new_ids & taken
    assert all(int(i[1:]) > 42 for i in new_ids)


def test_id_passes_by_centroid_when_all_members_changed(use, month_a):
    texts, _, emb = month_a
    sap = [i for i, t in enumerate(texts) if "SAP" in t]
    topic = cluster_texts(texts, emb).topic(cluster_texts(texts, emb).assignments[sap[0]])
    old = KnownCluster("C0777", "SAP", tuple(topic.centroid.tolist()), ("alte Phrase",))
    reworded = [
        "SAP-Anbindung gewünscht",
        "Integration mit SAP ERP",
        "Schnittstelle zum SAP ERP",
        "Aufträge aus SAP übernehmen",
        "SAP Daten synchronisieren",
        "Kundenstamm aus SAP laden",
    ]
    others = [t for i, t in enumerate(texts) if i not in sap]
    now = others + reworded
    clustering = cluster_texts(now, embed_texts(now, use), previous=[old], taken_ids={"C0777"})
    assert _majority_id(clustering, list(range(len(others), len(now))))[0] == "C0777"
    # The id went to the SAP topic, not to a topic that is mostly something else.
    assert clustering.assignments[: len(others)].count("C0777") < len(reworded) / 2


def test_snapshot_round_trips_through_the_store(tmp_path, month_a):
    texts, _, emb = month_a
    clustering = cluster_texts(texts, emb)
    store = Store(tmp_path / "s.sqlite")
    store.save_clusters("2026-04", clustering.snapshot(texts))
    loaded = store.load_clusters_before("2026-05")
    assert {c.cluster_id for c in loaded} == {t.cluster_id for t in clustering.topics}
    again = cluster_texts(texts, emb, previous=loaded, taken_ids=store.all_cluster_ids())
    assert again.assignments == clustering.assignments
    with pytest.raises(ValueError, match="2 texts"):
        clustering.snapshot(texts[:2])


def test_queries_are_assigned_to_the_nearest_topic_or_none(use, month_a):
    texts, _, emb = month_a
    clustering = cluster_texts(texts, emb)
    queries = ["sap schnittstelle crm", "crm lizenz preis", "rezept für apfelkuchen"]
    ids = assign_to_topics(embed_texts(queries, use), clustering)
    sap_id, _ = _majority_id(clustering, [i for i, t in enumerate(texts) if "SAP" in t])
    price_id, _ = _majority_id(clustering, list(range(6)))
    assert ids[0] == sap_id
    assert ids[1] == price_id
    assert ids[2] is None
    assert (
        assign_to_topics(embed_texts(queries, use), clustering, min_similarity=1.01) == [None] * 3
    )


def test_embed_and_cluster_keeps_languages_with_different_models_apart(tmp_path, month_a):
    texts, _, _ = month_a
    english = [
        "price per user per month",
        "license cost is too high",
        "discount for annual billing",
        "cost of extra licenses",
        "SAP integration for orders",
        "connect to SAP S/4HANA",
        "import data from SAP",
        "sync with our SAP system",
    ]
    all_texts = texts + english
    languages = ["de"] * len(texts) + ["en"] * len(english)
    config = Config()  # defaults: German -> multilingual USE, English -> MiniLM
    store = Store(tmp_path / "s.sqlite")
    seen: list[tuple[int, int]] = []
    clustering, encoders = embed_and_cluster(
        all_texts, languages, config=config, cache=store, progress=lambda d, t: seen.append((d, t))
    )
    assert encoders["de"].name == "use-multilingual" and encoders["en"].name == "minilm"
    assert seen and seen[-1][0] == seen[-1][1]
    spaces = {i: t.space for t in clustering.topics for i in t.member_indices if not t.is_outlier}
    for i in spaces:
        assert spaces[i] == ("use-multilingual" if i < len(texts) else "minilm")
    # Queries go to topics of their own language's model.
    ids = assign_texts(
        ["sap schnittstelle crm", "SAP integration"],
        ["de", "en"],
        clustering,
        config=config,
        cache=store,
    )
    assert clustering.topic(ids[0]).space == "use-multilingual"
    assert clustering.topic(ids[1]).space == "minilm"
    assert "SAP" in clustering.label_of(ids[1])


def _known(cluster_id: str, members: list[str], emb: np.ndarray) -> KnownCluster:
    centroid = emb.mean(axis=0)
    centroid /= np.linalg.norm(centroid)
    return KnownCluster(cluster_id, members[0], tuple(centroid.tolist()), tuple(members))


def test_two_old_topics_that_merge_keep_their_own_ids(month_a):
    texts, _, emb = month_a
    sap = [i for i, t in enumerate(texts) if "SAP" in t]
    plain = cluster_texts(texts, emb)
    assert len({plain.assignments[i] for i in sap}) == 1  # one topic today
    # Last month the SAP phrases were two topics; both are still around.
    first, second = sap[:3], sap[3:]
    previous = [
        _known("C0100", [texts[i] for i in first], emb[first]),
        _known("C0101", [texts[i] for i in second], emb[second]),
    ]
    now = cluster_texts(texts, emb, previous=previous, taken_ids={"C0100", "C0101"})
    assert [now.assignments[i] for i in first] == ["C0100"] * 3
    assert [now.assignments[i] for i in second] == ["C0101"] * 3


def test_an_old_topic_split_by_reclustering_keeps_one_id(month_a):
    texts, gold, emb = month_a
    both = [i for i, g in enumerate(gold) if g in ("sap", "preis")]
    plain = cluster_texts(texts, emb)
    assert len({plain.assignments[i] for i in both}) == 2  # two topics today
    previous = [_known("C0200", [texts[i] for i in both], emb[both])]
    now = cluster_texts(texts, emb, previous=previous, taken_ids={"C0200"})
    assert {now.assignments[i] for i in both} == {"C0200"}
    # Without history the same input is two topics again: the rule only protects old ids.
    assert cluster_texts(texts, emb).assignments == plain.assignments
