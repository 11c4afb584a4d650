"""Incremental months: documents are extracted once; a month aggregates stored records.

Runs the real stages (ingest into a real SQLite store, spaCy extraction) on the bundled
sample, and the real flow under Prefect for the byte-identity check.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from kundensprache import stages
from kundensprache.core.config import load_config
from kundensprache.extractors.records import unpack
from kundensprache.extractors.vocabulary import build_vocabulary
from kundensprache.sample_data import SAMPLE_CONFIG, SAMPLE_DIR, SAMPLE_MONTH
from kundensprache.store import Store
from kundensprache.store.extractions import Extractions

CSV_FILES = ("keyword_candidates.csv", "clusters.csv", "unmatched_queries.csv", "ingest_report.csv")


def _inbox(base: Path) -> Path:
    inbox = base / "inputs"
    for sub in ("calls", "crm", "emails", "search_console"):
        shutil.copytree(SAMPLE_DIR / sub, inbox / sub)
    return inbox


def _config(base: Path, inbox: Path, work: str = "work"):
    config = load_config(SAMPLE_CONFIG, env={})
    config.paths.inputs = inbox
    config.paths.outputs = base / "outputs"
    config.paths.work = base / work
    return config


@pytest.fixture()
def month_store(tmp_path):
    """The sample ingested into a fresh store, and its month's vocabulary run once."""
    inbox = _inbox(tmp_path)
    config = _config(tmp_path, inbox)
    store = Store(config.store_path)
    stages.run_ingest(config, store, log=lambda _: None)
    first = stages.run_vocabulary(config, store, SAMPLE_MONTH, log=lambda _: None)
    yield config, store, first
    store.close()


def _rerun(config, store):
    return stages.run_vocabulary(config, store, SAMPLE_MONTH, log=lambda _: None)


def test_first_run_extracts_every_document_of_the_window_and_rerun_none(month_store):
    config, store, first = month_store
    assert first.documents > 40
    assert first.extracted == first.documents
    assert Extractions(store).count() == first.documents
    again = _rerun(config, store)
    assert again.extracted == 0
    assert again.documents == first.documents
    assert again.terms == first.terms
    assert again.doc_accounts == first.doc_accounts


def test_stored_records_aggregate_to_what_a_fresh_extraction_gives(month_store):
    config, store, first = month_store
    from kundensprache.core.months import window

    since, until = window(SAMPLE_MONTH, config.vocabulary.window_months)
    docs = list(store.iter_documents(since=since, until=until))
    website = stages.read_website(config.paths.inputs / "website")
    fresh = build_vocabulary(docs, config=config, report_month=SAMPLE_MONTH, website_texts=website)
    assert fresh == first.terms
    assert len(fresh) > 50


def test_changed_document_is_extracted_again_and_its_old_record_goes(month_store):
    config, store, first = month_store
    path = sorted((config.paths.inputs / "calls").glob("*.txt"))[0]
    before = {d.doc_id for d in store.iter_documents()}
    path.write_text(
        path.read_text(encoding="utf-8")
        + "\nKunde: Die Schnittstelle zur Lagerverwaltung fehlt uns seit Jahren.\n",
        encoding="utf-8",
    )
    stages.run_ingest(config, store, log=lambda _: None)
    after = {d.doc_id for d in store.iter_documents()}
    new_ids, gone_ids = after - before, before - after
    assert len(new_ids) == 1 and len(gone_ids) == 1
    again = _rerun(config, store)
    assert again.extracted == 1
    extractions = Extractions(store)
    assert extractions.count() == again.documents == first.documents
    stored = {r.doc_id: r for r in extractions.stream(_fingerprint(config))}
    assert new_ids <= set(stored) and not gone_ids & set(stored)
    (new_id,) = new_ids
    keys = {p.key for p in unpack(stored[new_id].head, stored[new_id].phrases).phrases}
    assert "lager verwaltung" in keys  # the compound, split into its parts


def _window_key(config, store) -> str:
    from kundensprache.shards import plan_extraction, vocabulary_window

    return plan_extraction(config, store, *vocabulary_window(config, SAMPLE_MONTH)).window_key


def test_window_key_changes_with_what_the_aggregation_reads_and_only_then(month_store):
    """The flow reuses the month's vocabulary while this key stays: an unchanged store keeps
    it; a changed document, a document's account or the website copy change it."""
    config, store, _ = month_store
    key = _window_key(config, store)
    assert _window_key(config, store) == key
    stages.run_ingest(config, store, log=lambda _: None)  # nothing changed in the inbox
    assert _window_key(config, store) == key
    path = sorted((config.paths.inputs / "calls").glob("*.txt"))[0]
    path.write_text(path.read_text(encoding="utf-8") + "\nKunde: Noch eine Frage.\n", "utf-8")
    stages.run_ingest(config, store, log=lambda _: None)
    changed = _window_key(config, store)
    assert changed != key
    (doc,) = [d for d in store.iter_documents() if d.account][:1]
    from kundensprache.store.schema import documents

    with store._engine.begin() as conn:
        conn.execute(
            documents.update().where(documents.c.doc_id == doc.doc_id).values(account="Other")
        )
    moved = _window_key(config, store)
    assert moved != changed
    (config.paths.inputs / "website").mkdir()
    (config.paths.inputs / "website" / "index.md").write_text("Lagerverwaltung", "utf-8")
    assert _window_key(config, store) not in (key, changed, moved)


def _fingerprint(config):
    from kundensprache.extractors.records import settings_fingerprint

    return settings_fingerprint(config.vocabulary, config.company)


def test_extraction_settings_change_extracts_again_ranking_settings_do_not(month_store):
    config, store, first = month_store
    config.vocabulary.max_candidates = 20
    config.vocabulary.min_documents = 3
    ranked = _rerun(config, store)
    assert ranked.extracted == 0 and len(ranked.terms) == 20
    config.vocabulary.paraphrase_weight = 0.25
    assert _rerun(config, store).extracted == first.documents
    config.company.brand_terms = [*config.company.brand_terms, "Magnettafel"]
    assert _rerun(config, store).extracted == first.documents
    assert _rerun(config, store).extracted == 0


def test_flow_from_stored_records_writes_byte_identical_csvs(tmp_path, prefect_server):
    """One work folder extracts inside the flow; the other already holds every record (made by
    the stages beforehand), so its flow only aggregates: the CSVs must not differ."""
    from kundensprache.flows.monthly import monthly_keywords

    inbox = _inbox(tmp_path)
    toml = tmp_path / "kundensprache.toml"
    toml.write_text(SAMPLE_CONFIG.read_text(encoding="utf-8"), encoding="utf-8")
    prepared = _config(tmp_path, inbox, work="work-b")
    store = Store(prepared.store_path)
    stages.run_ingest(prepared, store, log=lambda _: None)
    made = stages.run_vocabulary(prepared, store, SAMPLE_MONTH, log=lambda _: None)
    store.close()
    folders = {}
    for work in ("work-a", "work-b"):
        folders[work] = Path(
            monthly_keywords(
                month=SAMPLE_MONTH,
                inputs=str(inbox),
                outputs=str(tmp_path / f"out-{work}"),
                config_file=str(toml),
                work=str(tmp_path / work),
            )
        )
    store = Store(prepared.store_path)
    assert _rerun(prepared, store).extracted == 0  # the flow left every record current
    assert Extractions(store).count() == made.documents
    store.close()
    for name in CSV_FILES:
        a = (folders["work-a"] / name).read_bytes()
        assert a == (folders["work-b"] / name).read_bytes(), name
    assert (folders["work-a"] / "keyword_candidates.csv").read_text().count("\n") > 50
