"""The inbox end to end: discovery, incremental runs, dedupe, bad input beside good files."""

import hashlib
import io
import os
import zipfile
from pathlib import Path

import pytest
from test_ingest_builders import make_docx, make_eml, make_xlsx

from kundensprache.core.config import Config
from kundensprache.ingest import discover, ingest_inbox, ingest_paths, read_file, validate_upload
from kundensprache.ingest.pseudonyms import redact_path
from kundensprache.store.db import Store

OWN = "kundensprache-demo.de"
GOOD_NOTE = "Datum: 01.10.2026\nFirma: Gut GmbH\n\nKunde: Die Reisekostenabrechnung dauert ewig.\n"
GOOD_CSV = "Datum;Firma;Notiz\n02.10.2026;Gut AG;Kunde will Belege per App erfassen\n"


@pytest.fixture
def config() -> Config:
    config = Config()
    config.company.domains = [OWN]
    config.company.people = ["Jonas Becker"]
    return config


@pytest.fixture
def store(tmp_path) -> Store:
    store = Store(tmp_path / "work" / "store.sqlite")
    yield store
    store.close()


def _write(path: Path, data) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data if isinstance(data, bytes) else data.encode("utf-8"))
    return path


def _inbox_with_good_files(tmp_path) -> Path:
    inbox = tmp_path / "inbox"
    _write(inbox / "calls" / "gut.txt", GOOD_NOTE)
    _write(inbox / "crm" / "gut.csv", GOOD_CSV)
    return inbox


def _assert_good_files_landed(results, store):
    by_file = {r.file: r for r in results}
    assert by_file["calls/gut.txt"].status == "accepted"
    assert by_file["crm/gut.csv"].status == "accepted"
    texts = [s.text for d in store.iter_documents() for s in d.segments]
    assert "Die Reisekostenabrechnung dauert ewig." in texts
    assert "Kunde will Belege per App erfassen" in texts


def _zip_bomb() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", b"\0" * (12 * 2**20))
    return out.getvalue()


def _no_text_column_csv() -> bytes:
    return b"Datum;Firma;Umsatz\n01.10.2026;A GmbH;1200\n"


BAD_FILES = {
    # name: (relative path, content factory, expected reason fragment)
    "empty": ("calls/leer.txt", lambda: b"", "empty file"),
    "binary renamed .txt": ("calls/bild.txt", lambda: b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 8,
                            "binary content, not text (looks like a PNG image)"),
    "pdf renamed .txt": ("calls/angebot.txt", lambda: b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj",
                         "looks like a PDF document"),
    "undecodable bytes": ("calls/kaputt.txt", lambda: bytes([0x81, 0x8D, 0x8F, 0x90, 0x9D]) * 50,
                          "undecodable bytes"),
    "truncated docx": ("calls/abgeschnitten.docx", lambda: make_docx(["Hallo Welt"])[:700],
                       "corrupt or truncated .docx"),
    "not a docx": ("calls/falsch.docx", lambda: b"Das ist Text, kein Word", "corrupt or truncated .docx"),
    "old .doc as .docx": ("calls/alt.docx", lambda: b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600,
                          "old Office .doc file"),
    "zip bomb as docx": ("calls/bombe.docx", _zip_bomb, "suspected zip bomb"),
    "truncated xlsx": ("crm/abgeschnitten.xlsx",
                       lambda: make_xlsx([["Notiz"], ["Text"]])[:900], "corrupt or truncated .xlsx"),
    "csv without text column": ("crm/umsatz.csv", _no_text_column_csv, "no recognisable text column"),
    "email without body": ("emails/leer.eml",
                           lambda: make_eml("a@b.example", f"x@{OWN}", "Leer", "\n"), "email has no body text"),
    "not an email": ("emails/notiz.eml", lambda: b"just some words\nno headers\n", "not an email"),
    "unsupported type": ("calls/praesentation.pptx", lambda: b"PK\x03\x04", "unsupported file type '.pptx'"),
}  # fmt: skip


@pytest.mark.parametrize("case", sorted(BAD_FILES))
def test_bad_file_is_rejected_with_reason_and_good_files_land(tmp_path, store, config, case):
    inbox = _inbox_with_good_files(tmp_path)
    rel, make, reason = BAD_FILES[case]
    _write(inbox / rel, make())
    results = ingest_inbox(inbox, store, config)
    bad = next(r for r in results if r.file == rel)
    assert bad.status == "rejected"
    assert reason in bad.reason
    _assert_good_files_landed(results, store)


def test_file_over_size_limit(tmp_path, store, config):
    inbox = _inbox_with_good_files(tmp_path)
    _write(inbox / "calls" / "riesig.txt", "Kunde sagt viel. " * 2000)  # ~34 KB
    config.ingest.max_file_mb = 0.02
    results = ingest_inbox(inbox, store, config)
    big = next(r for r in results if r.file == "calls/riesig.txt")
    assert big.status == "rejected"
    assert big.reason.startswith("file too large: 0.0 MB, the limit is 0.02 MB")
    assert big.sha256  # hashed, so an unchanged big file is skipped next time
    _assert_good_files_landed(results, store)


def test_ragged_csv_rows_counted_good_rows_and_files_kept(tmp_path, store, config):
    inbox = _inbox_with_good_files(tmp_path)
    _write(
        inbox / "crm" / "schief.csv",
        "Datum;Firma;Notiz\n03.10.2026;X;Gute Zeile eins\n04.10.2026\n",
    )
    results = ingest_inbox(inbox, store, config)
    ragged = next(r for r in results if r.file == "crm/schief.csv")
    assert ragged.status == "accepted" and ragged.document_count == 1
    assert "1 ragged row(s) skipped" in ragged.reason
    _assert_good_files_landed(results, store)


def test_symlink_outside_inbox_is_refused_not_read(tmp_path, store, config):
    inbox = _inbox_with_good_files(tmp_path)
    secret = _write(tmp_path / "outside" / "geheim.txt", "Kunde: Geheime Gehaltsliste")
    os.symlink(secret, inbox / "calls" / "link.txt")
    os.symlink(tmp_path / "outside", inbox / "calls" / "ordnerlink")  # folder link: not entered
    results = ingest_inbox(inbox, store, config)
    link = next(r for r in results if r.file == "calls/link.txt")
    assert (link.status, link.reason) == (
        "rejected",
        "symlink pointing outside the inbox; not read",
    )
    assert not any("ordnerlink" in r.file for r in results)
    assert not any("Gehaltsliste" in s.text for d in store.iter_documents() for s in d.segments)
    _assert_good_files_landed(results, store)


def test_symlink_inside_inbox_is_read(tmp_path, store, config):
    inbox = _inbox_with_good_files(tmp_path)
    os.symlink(inbox / "calls" / "gut.txt", inbox / "calls" / "verweis.txt")
    results = {r.file: r for r in ingest_inbox(inbox, store, config)}
    assert results["calls/verweis.txt"].status == "duplicate"


def test_unusual_file_names(tmp_path, store, config):
    inbox = _inbox_with_good_files(tmp_path)
    names = ["Gespräch mit Müller & Söhne (final).txt", "x" * 240 + ".txt", "  leer zeichen  .md"]
    for i, name in enumerate(names):
        _write(
            inbox / "calls" / name, f"Kunde wünscht Variante {i} der Schnittstelle für Lager {i}."
        )
    raw = os.fsencode(inbox / "calls") + b"/latin1-\xfc.txt"  # not valid UTF-8 in the name
    with open(raw, "wb") as handle:
        handle.write("Kunde fragt nach Rabatten für Schulen.".encode())
    results = ingest_inbox(inbox, store, config)
    by_file = {r.file: r for r in results}
    for name in names:
        assert by_file[redact_path(f"calls/{name}")].status == "accepted"
    assert by_file["calls/latin1-\ufffd.txt"].status == "accepted"
    assert ingest_inbox(inbox, store, config) == results  # stable names across runs
    _assert_good_files_landed(results, store)


def _snapshot(root: Path) -> dict[str, tuple[str, int]]:
    return {
        str(p): (hashlib.sha256(p.read_bytes()).hexdigest(), p.stat().st_mtime_ns)
        for p in sorted(root.rglob("*"))
        if p.is_file() and not p.is_symlink()
    }


def test_incremental_rerun_same_results_and_user_files_untouched(tmp_path, store, config):
    inbox = _inbox_with_good_files(tmp_path)
    _write(inbox / "calls" / "kopie.txt", GOOD_NOTE)  # same content as gut.txt
    _write(inbox / "calls" / "leer.txt", b"")
    _write(
        inbox / "emails" / "a.eml",
        make_eml("Eva <eva@kraft.example>", f"v@{OWN}", "Hi", "Wir wollen mehr Automatisierung."),
    )
    before = _snapshot(inbox)
    seen: list[tuple[int, int, str]] = []
    first = ingest_inbox(
        inbox, store, config, progress=lambda i, n, name: seen.append((i, n, name))
    )
    assert [r.file for r in first] == [
        "calls/gut.txt",
        "calls/kopie.txt",
        "calls/leer.txt",
        "crm/gut.csv",
        "emails/a.eml",
    ]
    assert seen == [(i + 1, 5, r.file) for i, r in enumerate(first)]
    copy = first[1]
    assert (copy.status, copy.reason) == ("duplicate", "same content as calls/gut.txt")
    counts = store.table_counts()

    second = ingest_inbox(inbox, store, config)
    assert second == first
    assert store.table_counts()["documents"] == counts["documents"] == 3
    assert _snapshot(inbox) == before  # never moved, changed or deleted

    _write(inbox / "calls" / "gut.txt", GOOD_NOTE + "Kunde: Und die Freigabe per Handy fehlt.\n")
    third = ingest_inbox(inbox, store, config)
    changed = third[0]
    assert changed.status == "accepted" and changed.sha256 != first[0].sha256
    assert third[1:] == first[1:]
    assert store.table_counts()["documents"] == 4


def test_results_carry_counts_not_documents(tmp_path, store, config):
    inbox = _inbox_with_good_files(tmp_path)
    results = ingest_inbox(inbox, store, config)
    assert all(r.documents == [] for r in results)
    assert [r.document_count for r in results] == [1, 1]


def test_partial_duplicate_csv_names_the_other_file(tmp_path, store, config):
    inbox = _inbox_with_good_files(tmp_path)
    _write(
        inbox / "crm" / "neu.csv",
        GOOD_CSV + "05.10.2026;Neu AG;Ganz neue Anforderung an Berichte\n",
    )
    results = {r.file: r for r in ingest_inbox(inbox, store, config)}
    assert results["crm/neu.csv"].status == "accepted"
    assert results["crm/neu.csv"].reason == "1 of 2 documents already stored from crm/gut.csv"


def test_discover_skips_hidden_sidecars_and_other_folders(tmp_path):
    inbox = tmp_path / "inbox"
    for rel in ["calls/a.txt", "calls/sub/b.md", "calls/.hidden.txt", "calls/.git/c.txt",
                "calls/a.txt.meta.json", "crm/x.csv", "emails/m.eml", "search_console/q.csv",
                "website/page.html", "notes.txt"]:  # fmt: skip
        _write(inbox / rel, "x")
    found = [(p.relative_to(inbox).as_posix(), s) for p, s in discover(inbox)]
    assert found == [("calls/a.txt", "call"), ("calls/sub/b.md", "call"), ("crm/x.csv", "crm"),
                     ("emails/m.eml", "email")]  # fmt: skip


def test_read_file_never_raises_for_missing_or_odd_paths(tmp_path, config):
    missing = read_file(tmp_path / "calls" / "weg.txt", "call", config, inbox=tmp_path)
    assert missing.status == "rejected" and "not found" in missing.reason
    (tmp_path / "calls" / "ordner.txt").mkdir(parents=True)
    folder = read_file(tmp_path / "calls" / "ordner.txt", "call", config, inbox=tmp_path)
    assert (folder.status, folder.reason) == ("rejected", "not a regular file")
    unknown = read_file(_write(tmp_path / "x.txt", "Text"), "fax", config)
    assert unknown.status == "rejected" and "unknown source 'fax'" in unknown.reason


def test_ingest_paths_without_inbox_uses_given_paths(tmp_path, store, config):
    path = _write(tmp_path / "einzeln.txt", "Kunde möchte einen Testzugang.")
    (result,) = ingest_paths([(path, "call")], store, config)
    assert result.status == "accepted" and result.file == path.as_posix()


def test_validate_upload_applies_the_same_checks(config):
    assert validate_upload("notiz.txt", b"Kunde will eine Demo.", "call", config) is None
    assert validate_upload("C:\\Users\\x\\notiz.txt", b"", "call", config) == "empty file"
    assert "unsupported file type '.exe'" in validate_upload("x.exe", b"MZ..", "call", config)
    assert "binary content" in validate_upload("x.txt", b"%PDF-1.4 ...", "call", config)
    assert "no recognisable text column" in validate_upload("x.csv", b"a;b\n1;2\n", "crm", config)
    assert validate_upload("x.csv", GOOD_CSV.encode(), "crm", config) is None
    config.ingest.max_file_mb = 0.001
    assert "file too large" in validate_upload("x.txt", b"a" * 2000, "call", config)


def test_shards_hold_at_most_shard_bytes_and_keep_the_inbox_order(tmp_path, config, monkeypatch):
    """A shard's documents stay in memory until it is stored: big CRM exports go in shards of
    few files (a file larger than the cap alone), every file once, in discovery order."""
    from kundensprache import shards

    inbox = tmp_path / "inputs"
    for i in range(5):
        _write(inbox / "calls" / f"{i}.txt", GOOD_NOTE)
    for i, rows in enumerate((50, 400, 50, 50)):
        _write(inbox / "crm" / f"export_{i}.csv", GOOD_CSV + GOOD_CSV.split("\n")[1] * rows)
    config.paths.inputs = inbox
    cap = 2 * len(GOOD_CSV.split("\n")[1]) * 100
    monkeypatch.setattr(shards, "SHARD_BYTES", cap)
    found = shards.ingest_shards(config, workers=1)
    assert [p for shard in found for p in shard] == [(str(p), s) for p, s in discover(inbox)]
    for shard in found:
        sizes = [os.stat(p).st_size for p, _ in shard]
        assert len(shard) == 1 or sum(sizes) <= cap
    big = [shard for shard in found if any(p.endswith("export_1.csv") for p, _ in shard)]
    assert [len(shard) for shard in big] == [1]  # over the cap: alone
    assert len(found) < 9  # small files still share shards
