"""Progress per stage: stages report counts; a terminal shows them as rich bars."""

from __future__ import annotations

import io
import shutil

from rich.console import Console

from kundensprache import stages
from kundensprache.core.config import load_config
from kundensprache.core.progress import report, reporting, terminal_bars
from kundensprache.sample_data import SAMPLE_CONFIG, SAMPLE_DIR, SAMPLE_MONTH
from kundensprache.store import Store


def test_terminal_bars_show_each_stage_with_counts_and_time_left():
    out = io.StringIO()
    console = Console(file=out, force_terminal=True, width=120, color_system=None)
    with terminal_bars(console):
        for done in range(0, 41, 10):
            report("ingest: files", done, 40)
        report("vocabulary: documents", 250, 1000)
    text = out.getvalue()
    assert "ingest: files" in text and "40/40" in text
    assert "vocabulary: documents" in text and "250/1000" in text
    assert "left" in text


def test_without_a_reporter_report_does_nothing_and_reporters_nest():
    report("ingest: files", 1, 2)  # no reporter installed: no error, no output
    outer, inner = [], []
    with reporting(lambda *a: outer.append(a)):
        with reporting(lambda *a: inner.append(a)):
            report("x", 1, 2)
        report("y", 2, 2)
    assert inner == [("x", 1, 2)] and outer == [("y", 2, 2)]


def test_ingest_and_vocabulary_stages_report_their_counts(tmp_path):
    inbox = tmp_path / "inputs"
    for sub in ("calls", "crm", "emails"):
        shutil.copytree(SAMPLE_DIR / sub, inbox / sub)
    config = load_config(SAMPLE_CONFIG, env={})
    config.paths.inputs = inbox
    config.paths.work = tmp_path / "work"
    seen: dict[str, list[tuple[int, int]]] = {}
    with (
        Store(config.store_path) as store,
        reporting(lambda stage, done, total: seen.setdefault(stage, []).append((done, total))),
    ):
        stages.run_ingest(config, store, log=lambda _: None)
        vocabulary = stages.run_vocabulary(config, store, SAMPLE_MONTH, log=lambda _: None)
    files = seen["ingest: files"]
    assert files[-1][0] == files[-1][1] == len(list(inbox.rglob("*.*")))
    assert [d for d, _ in files] == sorted(d for d, _ in files)
    assert seen["vocabulary: documents"][-1] == (vocabulary.extracted, vocabulary.extracted)
