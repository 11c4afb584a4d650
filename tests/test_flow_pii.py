"""PII canaries in every input format never reach the outputs, the logs, the Prefect
artifacts or the store, through the whole monthly flow (ingest's own test covers the store)."""

from __future__ import annotations

import asyncio
import json

import pytest
from pii_canaries import LONE_SURNAME, REP, STORE_NEEDLES, find_canaries
from test_ingest_pii import OWN, _inputs

from kundensprache.flows.monthly import monthly_keywords


@pytest.fixture(scope="module")
def flow_run(tmp_path_factory, prefect_server):
    base = tmp_path_factory.mktemp("pii-flow")
    inbox = base / "inputs"
    for rel, data in _inputs().items():
        path = inbox / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
    config = base / "kundensprache.toml"
    config.write_text(
        f'[paths]\nwork = "work"\n[company]\ndomains = ["{OWN}"]\npeople = ["{REP}"]\n'
        "[vocabulary]\nmin_documents = 1\n",
        encoding="utf-8",
    )
    folder = monthly_keywords(
        month="2026-09", inputs=str(inbox), outputs=str(base / "outputs"), config_file=str(config)
    )
    return base, folder


def test_canaries_reach_no_output_file(flow_run):
    base, _ = flow_run
    files = [p for p in (base / "outputs").rglob("*") if p.is_file()]
    assert len(files) >= 10  # the month and latest/
    rows = (base / "outputs" / "2026-09" / "keyword_candidates.csv").read_text(encoding="utf-8")
    assert len(rows.splitlines()) > 3  # the run did produce candidates from these inputs
    assert list((base / "outputs" / "2026-09" / "briefs").glob("*.md")), "no topic briefs"
    for path in files:
        assert find_canaries(_text_of(path)) == [], path.name


def _text_of(path) -> str:
    """A file's text as a reader sees it; a workbook's cell values."""
    if path.suffix != ".xlsx":
        return path.read_text(encoding="utf-8")
    from openpyxl import load_workbook

    wb = load_workbook(path, read_only=True)
    return "\n".join(
        str(v) for ws in wb.worksheets for row in ws.iter_rows(values_only=True) for v in row
    )


def test_canaries_reach_no_store_file(flow_run):
    base, _ = flow_run
    raw = (base / "work" / "kundensprache.sqlite").read_bytes().decode("utf-8", "replace")
    wal = base / "work" / "kundensprache.sqlite-wal"
    if wal.exists():
        raw += wal.read_bytes().decode("utf-8", "replace")
    assert find_canaries(raw, STORE_NEEDLES) == []


def test_the_store_holds_at_most_the_documented_hard_case(flow_run):
    """A surname alone in a note that names no one else stays in the store (SECURITY.md);
    the output gate keeps it out of every output (test above)."""
    base, _ = flow_run
    raw = (base / "work" / "kundensprache.sqlite").read_bytes().decode("utf-8", "replace")
    assert find_canaries(raw) in ([], [LONE_SURNAME])


def test_canaries_reach_no_prefect_log_or_artifact(flow_run):
    from prefect.client.orchestration import get_client
    from prefect.client.schemas.filters import LogFilter, LogFilterFlowRunId
    from prefect.client.schemas.sorting import LogSort

    async def fetch():
        async with get_client() as client:
            runs = await client.read_flow_runs()
            run = max(runs, key=lambda r: r.start_time or r.created)
            logs = await client.read_logs(
                log_filter=LogFilter(flow_run_id=LogFilterFlowRunId(any_=[run.id])),
                sort=LogSort.TIMESTAMP_ASC,
            )
            artifacts = await client.read_artifacts()
            return run, logs, artifacts

    run, logs, artifacts = asyncio.run(fetch())
    assert logs, "the flow run logged nothing"
    text = "\n".join(log.message for log in logs)
    assert "Ingest:" in text
    assert find_canaries(text) == []
    assert find_canaries(json.dumps(run.parameters)) == []
    for artifact in artifacts:
        assert find_canaries(json.dumps(artifact.data, default=str)) == []
