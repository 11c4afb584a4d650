"""The command line: commands a user types, their output and exit codes."""

import csv
import io
import subprocess
import sys

from kundensprache import cli
from kundensprache.core.config import load_config
from kundensprache.flows.deploy import monthly_deployment
from kundensprache.store import Store

GOOD_NOTE = (
    "Datum: 14.09.2026\nFirma: Holzbau Schneider GmbH\nArt: Erstgespräch\n\n"
    "Kunde: Wir brauchen eine Schnittstelle zu DATEV, sonst unterschreibt unser Steuerberater nicht.\n"
    "Vertrieb: Verstehe, das zeige ich Ihnen gern.\n"
)


def write_config(tmp_path):
    cfg = tmp_path / "kundensprache.toml"
    cfg.write_text(
        '[paths]\ninputs = "inputs"\nwork = "work"\n[company]\ndomains = ["nordwerk-software.de"]\n',
        encoding="utf-8",
    )
    return cfg


def test_help_is_fast_and_lists_commands():
    out = subprocess.run(
        [sys.executable, "-m", "kundensprache.cli", "--help"],
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    ).stdout
    for command in ("demo", "run", "ingest", "cluster", "upload-server", "serve", "auth"):
        assert command in out


def test_ingest_command_reports_every_file_and_stores_good_ones(tmp_path, capsys):
    cfg = write_config(tmp_path)
    calls = tmp_path / "inputs" / "calls"
    calls.mkdir(parents=True)
    (calls / "2026-09-14_anruf.txt").write_text(GOOD_NOTE, encoding="utf-8")
    (calls / "leer.txt").write_bytes(b"")
    code = cli.main(["ingest", str(calls), "--config", str(cfg)])
    assert code == 1  # something was rejected
    rows = {r["file"]: r for r in csv.DictReader(io.StringIO(capsys.readouterr().out))}
    assert rows["calls/2026-09-14_anruf.txt"]["status"] == "accepted"
    assert rows["calls/leer.txt"]["status"] == "rejected"
    assert "empty" in rows["calls/leer.txt"]["reason"].lower()
    store = Store(tmp_path / "work" / "kundensprache.sqlite")
    (doc,) = list(store.iter_documents())
    store.close()
    assert [s.role for s in doc.segments] == ["customer", "rep"]


def test_ingest_single_file_needs_a_source_outside_the_inbox_folders(tmp_path, capsys):
    cfg = write_config(tmp_path)
    note = tmp_path / "note.txt"
    note.write_text(GOOD_NOTE, encoding="utf-8")
    assert cli.main(["ingest", str(note), "--config", str(cfg)]) == 2
    assert "--source" in capsys.readouterr().err
    assert cli.main(["ingest", str(note), "--source", "call", "--config", str(cfg)]) == 0


def test_run_rejects_a_bad_month_and_a_broken_config_before_starting(tmp_path, capsys):
    assert cli.main(["run", "--month", "2026-13"]) == 2
    assert "YYYY-MM" in capsys.readouterr().err
    bad = tmp_path / "kundensprache.toml"
    bad.write_text("[company]\ndomian = 'x'\n", encoding="utf-8")
    assert cli.main(["run", "--month", "2026-10", "--config", str(bad)]) == 2
    err = capsys.readouterr().err
    assert "config error" in err and "domian" in err
    assert cli.main(["run", "--inputs", str(tmp_path / "nope")]) == 2
    assert "no such file" in capsys.readouterr().err


def test_cluster_command_writes_ids_and_labels(tmp_path, capsys):
    cfg = write_config(tmp_path)
    src = tmp_path / "keywords.csv"
    src.write_text(
        "keyword;volume\ncrm für handwerker;320\nhandwerker crm;90\ncrm handwerk;50\n"
        "datev schnittstelle;210\nschnittstelle datev;40\ndatev export;70\n",
        encoding="utf-8-sig",
    )
    out = tmp_path / "clustered.csv"
    assert cli.main(["cluster", str(src), "--output", str(out), "--config", str(cfg)]) == 0
    text = out.read_text(encoding="utf-8-sig")
    rows = list(
        csv.DictReader(io.StringIO(text), delimiter=";" if ";" in text.splitlines()[0] else ",")
    )
    assert len(rows) == 6
    assert all(r["cluster_id"] and r["cluster_label"] for r in rows)
    by_kw = {r["keyword"]: r["cluster_id"] for r in rows}
    assert by_kw["crm für handwerker"] == by_kw["handwerker crm"]
    assert by_kw["datev schnittstelle"] == by_kw["schnittstelle datev"]
    assert by_kw["crm für handwerker"] != by_kw["datev schnittstelle"]


def test_cluster_command_missing_file_is_a_clean_error(tmp_path, capsys):
    assert cli.main(["cluster", str(tmp_path / "missing.csv")]) == 2
    err = capsys.readouterr().err
    assert "missing.csv" in err and "file not found" in err and "Traceback" not in err


def test_monthly_deployment_has_the_configured_cron(tmp_path):
    cfg = write_config(tmp_path)
    with open(cfg, "a", encoding="utf-8") as fh:
        fh.write('[schedule]\ncron = "0 5 3 * *"\n')
    config = load_config(cfg, env={})
    deployment = monthly_deployment(config)
    (schedule,) = deployment.schedules
    assert schedule.schedule.cron == "0 5 3 * *"
    assert schedule.schedule.timezone == "Europe/Berlin"
    assert deployment.parameters["config_file"] == str(cfg.resolve())
    assert deployment.parameters["inputs"] == str(tmp_path / "inputs")
