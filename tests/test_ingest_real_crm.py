"""Real Salesforce data-export files (tests/fixtures/crm): dates, accounts, roles as stored."""

import os
from datetime import date
from pathlib import Path

from kundensprache.core.config import Config
from kundensprache.ingest import read_file

FIXTURES = Path(__file__).parent / "fixtures" / "crm"


def test_salesforce_task_export_row_dates_beat_the_file_mtime(tmp_path):
    path = tmp_path / "Task.csv"
    path.write_bytes((FIXTURES / "salesforce-Task.csv").read_bytes())
    os.utime(path, (1_900_000_000, 1_900_000_000))  # a modification time in 2030
    result = read_file(path, "crm", Config())
    assert result.status == "accepted", result.reason
    dates = sorted(d.date for d in result.documents)
    # ActivityDate where set; the sample task without one falls back to its CreatedDate
    assert dates == [date(2022, 5, 25), date(2023, 1, 17), date(2023, 1, 23), date(2023, 1, 31)]
    accounts = {d.account for d in result.documents}
    assert "0018a000024zJ4rAAE" in accounts
    assert "modification time" not in result.reason


def test_salesforce_email_message_export_reads_text_body_direction_and_domain():
    result = read_file(FIXTURES / "salesforce-EmailMessage.csv", "crm", Config())
    assert result.status == "accepted", result.reason
    docs = sorted(result.documents, key=lambda d: d.date)
    assert [d.date for d in docs] == [date(2023, 1, 25), date(2023, 1, 31)]
    assert [d.account for d in docs] == ["magnaglobal.com", "thrive-umww.com"]
    assert {s.role for d in docs for s in d.segments} == {"rep"}  # Incoming = 0: sent by us
    text = " ".join(s.text for d in docs for s in d.segments)
    assert "analizar el documento de convenio" in text
    assert "<span" not in text and "&eacute;" not in text
    assert "Manolo" not in text and "Bastidas" not in text  # FromName redacted


def test_a_file_without_any_date_column_says_how_many_were_dated_by_mtime(tmp_path):
    path = tmp_path / "notes.csv"
    path.write_text("Account,Description\nACME,Braucht eine Schnittstelle\nBeta,Will eine App\n")
    result = read_file(path, "crm", Config())
    assert "2 document(s) without a date of their own" in result.reason
