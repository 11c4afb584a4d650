"""The store on SQLite and on a real PostgreSQL server: idempotent inserts, caches, cluster
snapshots, the upload list."""

import sqlite3
from datetime import date

import numpy as np
import pytest

from kundensprache.core.models import Document, FileResult, KnownCluster, Segment
from kundensprache.store import Store


def doc(doc_id, day):
    return Document(doc_id, "call", "calls/a.txt", "ACME", day, "de", [Segment("customer", "x")])


def test_saving_a_file_twice_adds_no_rows(store_url):
    store = Store(store_url)
    result = FileResult(
        "calls/a.txt", "call", "accepted", "", "abc", [doc("d1", date(2026, 10, 1))]
    )
    assert store.save_file_result(result) == 1
    assert store.save_file_result(result) == 0
    assert store.table_counts()["documents"] == 1
    assert store.file_result("calls/a.txt", "abc").status == "accepted"
    assert store.file_result("calls/a.txt", "other-hash") is None
    assert store.file_doc_ids("calls/a.txt", "abc") == ["d1"]


def test_documents_by_date_window(store_url):
    store = Store(store_url)
    for i, day in enumerate([date(2025, 10, 31), date(2025, 11, 1), date(2026, 10, 31)]):
        store.save_file_result(
            FileResult(f"f{i}", "call", "accepted", "", str(i), [doc(f"d{i}", day)])
        )
    got = [
        d.doc_id for d in store.iter_documents(since=date(2025, 11, 1), until=date(2026, 10, 31))
    ]
    assert got == ["d1", "d2"]


def test_embedding_cache_round_trip(store_url):
    store = Store(store_url)
    vec = np.arange(4, dtype=np.float32)
    store.put_embeddings("minilm", {"CRM für Handwerker": vec})
    store.put_embeddings("minilm", {"CRM für Handwerker": vec + 1})  # first write wins
    got = store.get_embeddings("minilm", ["CRM für Handwerker", "missing"])
    assert list(got) == ["CRM für Handwerker"]
    assert np.array_equal(got["CRM für Handwerker"], vec)
    assert store.get_embeddings("other-model", ["CRM für Handwerker"]) == {}


def test_search_console_rows_cached_per_request(store_url):
    store = Store(store_url)
    rows = [{"keys": ["crm", "https://x.de/"], "clicks": 1}]
    assert store.get_gsc_rows("sc-domain:x.de", "2026-10-01", "2026-10-31", "k") is None
    store.put_gsc_rows("sc-domain:x.de", "2026-10-01", "2026-10-31", "k", rows)
    assert store.get_gsc_rows("sc-domain:x.de", "2026-10-01", "2026-10-31", "k") == rows
    assert store.get_gsc_rows("sc-domain:x.de", "2026-10-01", "2026-10-31", "other") is None


def test_cluster_snapshots_and_taken_ids(store_url):
    store = Store(store_url)
    a = KnownCluster("C0001", "CRM", (1.0, 0.0), ("crm",))
    b = KnownCluster("C0002", "DATEV", (0.0, 1.0), ("datev",))
    store.save_clusters("2026-09", [a])
    store.save_clusters("2026-10", [a, b])
    store.save_clusters("2026-10", [a, b])  # re-run replaces, never duplicates
    assert store.table_counts()["cluster_snapshots"] == 3
    assert [c.cluster_id for c in store.load_clusters_before("2026-10")] == ["C0001"]
    assert [c.cluster_id for c in store.load_clusters_before("2026-11")] == ["C0001", "C0002"]
    assert store.load_clusters_before("2026-09") == []
    assert store.all_cluster_ids() == {"C0001", "C0002"}
    assert store.all_cluster_ids(except_month="2026-10") == {"C0001"}


def test_changed_file_supersedes_its_old_version(store_url):
    store = Store(store_url)
    v1 = FileResult(
        "calls/a.txt",
        "call",
        "accepted",
        "",
        "v1",
        [doc("old", date(2026, 10, 1)), doc("kept", date(2026, 10, 2))],
    )
    other = FileResult(
        "calls/b.txt", "call", "duplicate", "", "b1", [doc("shared", date(2026, 10, 3))]
    )
    v1.documents.append(doc("shared", date(2026, 10, 3)))
    store.save_file_result(v1)
    store.save_file_result(other)
    v2 = FileResult(
        "calls/a.txt",
        "call",
        "accepted",
        "",
        "v2",
        [doc("kept", date(2026, 10, 2)), doc("edited", date(2026, 10, 4))],
    )
    store.save_file_result(v2)
    ids = {d.doc_id for d in store.iter_documents()}
    assert ids == {"kept", "edited", "shared"}  # "shared" is still b.txt's
    assert store.file_result("calls/a.txt", "v1") is None
    assert store.file_result("calls/a.txt", "v2").status == "accepted"
    assert store.file_doc_ids("calls/a.txt", "v2") == ["edited", "kept"]
    assert store.file_doc_ids("calls/a.txt", "v1") == []
    known = store.stored_files(["calls/a.txt", "calls/unknown.txt"])
    assert set(known) == {("calls/a.txt", "v2")}  # the superseded version is gone
    assert known[("calls/a.txt", "v2")].document_count == 2
    assert known[("calls/a.txt", "v2")].status == "accepted"


def test_document_ids_of_a_file_are_rows_not_a_pattern(store_url):
    """Ids that are prefixes or substrings of each other stay apart (a LIKE search on a JSON
    list would confuse them); a document still used by another file is kept."""
    store = Store(store_url)
    store.save_file_result(
        FileResult("a.txt", "call", "accepted", "", "1", [doc("d1", None), doc("d10", None)])
    )
    store.save_file_result(FileResult("b.txt", "call", "accepted", "", "1", [doc("d1", None)]))
    store.save_file_result(FileResult("a.txt", "call", "accepted", "", "2", [doc("x", None)]))
    assert sorted(d.doc_id for d in store.iter_documents()) == ["d1", "x"]
    assert store.table_counts()["file_documents"] == 2
    assert store.document_files(["d1", "x", "missing"]) == {"d1": "calls/a.txt", "x": "calls/a.txt"}


def test_a_store_from_before_id_rows_is_migrated(tmp_path):
    """A store written by the earlier layout (ids as a JSON list in file_results) opens with
    its ids moved into rows and nothing lost."""
    path = tmp_path / "old.sqlite"
    with sqlite3.connect(path) as db:
        db.execute(
            "CREATE TABLE file_results (path TEXT, sha256 VARCHAR(64), source VARCHAR(16) NOT NULL,"
            " status VARCHAR(16) NOT NULL, reason TEXT NOT NULL, doc_ids TEXT NOT NULL,"
            " ingested_at VARCHAR(32) NOT NULL, PRIMARY KEY (path, sha256))"
        )
        db.execute(
            "INSERT INTO file_results VALUES ('calls/a.txt', 'abc', 'call', 'accepted', '',"
            " '[\"d1\", \"d2\"]', '2026-10-01T00:00:00+00:00')"
        )
    store = Store(path)
    assert store.file_doc_ids("calls/a.txt", "abc") == ["d1", "d2"]
    assert store.file_result("calls/a.txt", "abc").status == "accepted"
    store.save_file_result(
        FileResult("calls/b.txt", "call", "accepted", "", "b", [doc("d3", None)])
    )
    assert store.file_doc_ids("calls/b.txt", "b") == ["d3"]
    store.close()
    with sqlite3.connect(path) as db:
        columns = {row[1] for row in db.execute("PRAGMA table_info(file_results)")}
    assert "doc_ids" not in columns


def test_a_url_that_is_no_supported_database_is_a_config_error(tmp_path):
    from kundensprache.core.config import ConfigError

    with pytest.raises(ConfigError, match="mysql"):
        Store("mysql://localhost/db")
    with pytest.raises(ConfigError, match="not a database URL"):
        Store("://no-scheme")


def test_upload_list_and_its_ingest_results(store_url):
    """The upload page's table lives in the store: rows per user, runs, ingest look-up."""
    from kundensprache.store.uploads import UploadLog, ingest_results

    store = Store(store_url)
    log = UploadLog(store)
    common = {"source": "call", "speaker_role": "unknown", "uploaded_at": "2026-10-01T10:00:00"}
    first = log.add(batch="b1", user="anna", stored_path="calls/x.txt", status="received", **common)
    log.add(batch="b1", user="anna", stored_path=None, status="rejected", reason="empty", **common)
    log.add(batch="b2", user="ben", stored_path="calls/y.txt", status="received", **common)
    assert [r.status for r in log.recent("anna")] == ["rejected", "received"]
    assert [r.stored_path for r in log.received("anna")] == ["calls/x.txt"]
    assert len(log.batch("anna", "b1")) == 2 and log.batch("ben", "b1") == []
    log.mark_run(first, "run1", "accepted", "")
    assert [r.id for r in log.by_run("anna", "run1")] == [first]
    store.save_file_result(
        FileResult("calls/x.txt", "call", "accepted", "", "h1", [doc("d1", None)])
    )
    assert ingest_results(store, ["calls/x.txt", "calls/y.txt"]) == {
        "calls/x.txt": ("accepted", "")
    }


def test_batch_commits_once_and_its_lookups_see_its_own_saves(store_url):
    store, other = Store(store_url), Store(store_url)
    with store.batch():
        store.save_file_result(
            FileResult("calls/a.txt", "call", "accepted", "", "a", [doc("d1", date(2026, 10, 1))])
        )
        assert store.document_files(["d1"]) == {"d1": "calls/a.txt"}  # the open transaction
        assert other.document_files(["d1"]) == {}  # not committed yet
    assert other.document_files(["d1"]) == {"d1": "calls/a.txt"}
    with pytest.raises(RuntimeError), store.batch():
        store.save_file_result(
            FileResult("calls/b.txt", "call", "accepted", "", "b", [doc("d2", date(2026, 10, 1))])
        )
        raise RuntimeError("a failed shard stores nothing")
    assert other.document_files(["d2"]) == {}
    store.close()
    other.close()
