"""`kundensprache inspect`: what the ingest reads from real files, with nothing written."""

import shutil
from pathlib import Path

from kundensprache.cli import main

FIXTURES = Path(__file__).parent / "fixtures"


def test_inspect_shows_documents_dates_roles_and_redacted_text(tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "kundensprache.toml").write_text('[company]\npeople = ["Thomas Rast"]\n')
    mail = tmp_path / "emails" / "reply.eml"
    mail.parent.mkdir()
    shutil.copy(FIXTURES / "emails" / "thunderbird-schrieb-name-only_de.eml", mail)
    before = sorted(p.relative_to(tmp_path) for p in tmp_path.rglob("*"))
    assert main(["inspect", str(mail)]) == 0
    out = capsys.readouterr().out
    assert "(email): 3 document(s)" in out
    assert "2010-04-19  (from the file" in out
    assert "[rep]\n      Sure." in out  # the quoted reply of the configured rep
    assert "[NAME]'s patch" in out and "Lehmann" not in out and "Rast" not in out
    assert sorted(p.relative_to(tmp_path) for p in tmp_path.rglob("*")) == before  # no store


def test_inspect_says_when_the_date_is_the_file_mtime_and_why_a_file_is_rejected(capsys):
    assert main(["inspect", str(FIXTURES / "calls" / "zoom-transcript.txt"),
                 str(FIXTURES / "calls" / "scanned-no-text.pdf")]) == 0  # fmt: skip
    out = capsys.readouterr().out
    assert "the file's modification time" in out
    assert "rejected: PDF without a text layer" in out


def test_inspect_a_search_console_export_shows_its_period(capsys):
    path = FIXTURES / "search_console" / "uagc-last-12-months" / "Queries.csv"
    assert main(["inspect", "--source", "search_console", str(path)]) == 0
    out = capsys.readouterr().out
    assert "9 queries" in out and "2024-07-12..2025-07-11 (13 month(s))" in out


def test_inspect_missing_file_is_a_user_error(capsys):
    assert main(["inspect", "nowhere.txt"]) != 0
    assert "nowhere.txt: no such file" in capsys.readouterr().err
