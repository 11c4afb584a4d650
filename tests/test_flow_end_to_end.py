"""The monthly flow, for real: Prefect, the store, spaCy, embeddings, on the bundled sample.

One module-scoped run of the real flow under a temporary Prefect server, then a second run of
the same month through the CLI; the tests read what both wrote.
"""

from __future__ import annotations

import asyncio
import csv
import re
import shutil
from pathlib import Path

import pytest

from kundensprache import cli
from kundensprache.ingest.pseudonyms import redact_path
from kundensprache.reports.tables import CANDIDATE_COLUMNS, REPORT_HTML, TABLES
from kundensprache.sample_data import SAMPLE_CONFIG, SAMPLE_DIR, SAMPLE_MONTH
from kundensprache.store import Store

DESIGN_COLUMNS = (
    "keyword,language,cluster_id,cluster_label,mentions,documents,accounts,sources,first_seen,"
    "last_seen,trend,gsc_query,match_type,impressions,clicks,ctr,position,top_page,opportunity,"
    "score,example"
).split(",")
OUTPUT_FILES = (*(f"{name}.csv" for name in TABLES), REPORT_HTML)
EMAIL_RE = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
PHONE_RE = re.compile(r"(?:\+\d{1,3}[\s/-]?)?(?:\(0?\d+\)[\s/-]?)?\d[\d\s/-]{6,}\d")


@pytest.fixture(scope="module")
def runs(tmp_path_factory, prefect_server):
    """Run the month twice: once through the flow, once through `kundensprache run`."""
    from kundensprache.flows.monthly import monthly_keywords

    base = tmp_path_factory.mktemp("e2e")
    inbox = base / "inputs"
    for sub in ("calls", "crm", "emails", "search_console"):
        shutil.copytree(SAMPLE_DIR / sub, inbox / sub)
    config = base / "kundensprache.toml"
    sample_config = SAMPLE_CONFIG.read_text(encoding="utf-8")
    assert "[paths]" not in sample_config
    config.write_text(sample_config + '\n[paths]\nwork = "work"\n', encoding="utf-8")
    outputs = base / "outputs"
    work = base / "work"
    folder = Path(
        monthly_keywords(
            month=SAMPLE_MONTH, inputs=str(inbox), outputs=str(outputs), config_file=str(config)
        )
    )
    first = {name: (folder / name).read_bytes() for name in OUTPUT_FILES}
    counts_first = _counts(work)

    code = cli.main(
        [
            "run",
            "--month",
            SAMPLE_MONTH,
            "--inputs",
            str(inbox),
            "--outputs",
            str(outputs),
            "--config",
            str(config),
        ]
    )
    assert code == 0
    second = {name: (folder / name).read_bytes() for name in OUTPUT_FILES}
    return {
        "folder": folder,
        "outputs": outputs,
        "inbox": inbox,
        "first": first,
        "second": second,
        "counts": (counts_first, _counts(work)),
    }


def _counts(work: Path) -> dict[str, int]:
    store = Store(work / "kundensprache.sqlite")
    try:
        return store.table_counts()
    finally:
        store.close()


def rows(run, name="keyword_candidates.csv"):
    text = run["second"][name].decode("utf-8")
    return list(csv.DictReader(text.splitlines()))


def find(rows_, phrase):
    wanted = phrase.casefold()
    return [r for r in rows_ if r["keyword"].casefold() == wanted]


def test_all_outputs_written_with_design_columns(runs):
    assert CANDIDATE_COLUMNS == tuple(DESIGN_COLUMNS)
    header = runs["second"]["keyword_candidates.csv"].decode("utf-8").splitlines()[0]
    assert header.split(",") == DESIGN_COLUMNS
    latest = runs["outputs"] / "latest"
    for name in OUTPUT_FILES:
        assert (latest / name).read_bytes() == runs["second"][name]


def test_enough_candidates_over_several_topics_sorted_by_score(runs):
    cands = rows(runs)
    assert len(cands) >= 30
    assert len({r["cluster_id"] for r in cands}) >= 4
    keys = [(-float(r["score"]), r["keyword"].casefold()) for r in cands]
    assert [k[0] for k in keys] == sorted(k[0] for k in keys)


def test_planted_gap(runs):
    (row,) = find(rows(runs), "Schnittstelle zu DATEV")
    assert row["opportunity"] == "gap"
    assert row["match_type"] == "none" and row["gsc_query"] == ""
    assert int(row["accounts"]) >= 5


def test_planted_striking_distance(runs):
    (row,) = find(rows(runs), "CRM für Handwerker")
    assert row["opportunity"] == "striking_distance"
    assert row["gsc_query"] == "crm für handwerker"
    assert row["match_type"] == "exact"
    assert float(row["position"]) == pytest.approx(12.4)


def test_planted_covered_and_low_ctr(runs):
    (covered,) = find(rows(runs), "Zeiterfassung App")
    assert covered["opportunity"] == "covered"
    (low,) = find(rows(runs), "Lagerverwaltungssoftware")
    assert low["opportunity"] == "low_ctr"


def test_outbound_rep_text_is_not_customer_vocabulary(runs):
    text = runs["second"]["keyword_candidates.csv"].decode("utf-8").casefold()
    assert "premium-onboarding" not in text
    assert "premium onboarding" not in text
    assert "onboarding-paket" not in text


def test_marketing_queries_are_unmatched(runs):
    unmatched = [r["query"] for r in rows(runs, "unmatched_queries.csv")]
    assert "digitale transformation mittelstand" in unmatched
    assert "crm für handwerker" not in unmatched


def test_no_email_address_or_phone_number_in_any_output(runs):
    planted_mail, planted_phone = set(), set()
    for path in SAMPLE_DIR.rglob("*"):
        if path.is_file() and path.suffix in (".txt", ".md", ".csv", ".eml"):
            text = path.read_text(encoding="utf-8", errors="replace")
            planted_mail |= set(EMAIL_RE.findall(text))
            planted_phone |= {p.strip() for p in PHONE_RE.findall(text) if _looks_like_phone(p)}
    assert len(planted_mail) >= 15 and len(planted_phone) >= 15  # the sample really plants them
    for name, data in runs["second"].items():
        text = data.decode("utf-8")
        assert not EMAIL_RE.findall(text), name
        for phone in planted_phone:
            assert phone not in text, (name, phone)


def _looks_like_phone(s: str) -> bool:
    digits = re.sub(r"\D", "", s)
    return 7 <= len(digits) <= 15 and not re.fullmatch(r"\d{4}-\d\d-\d\d", s.strip())


def test_second_run_is_byte_identical_and_adds_no_rows(runs):
    assert runs["first"] == runs["second"]
    first, second = runs["counts"]
    assert first == second
    assert first["documents"] > 200


def test_ingest_report_lists_every_input_file(runs):
    report = rows(runs, "ingest_report.csv")
    files = {r["file"] for r in report}
    inputs = {  # names in file names are pseudonymised (brandt-haustechnik -> name-…)
        redact_path(p.relative_to(runs["inbox"]).as_posix())
        for sub in ("calls", "crm", "emails", "search_console")
        for p in (runs["inbox"] / sub).rglob("*")
        if p.is_file()
    }
    assert files == inputs  # Search Console exports included
    (export,) = [r for r in report if r["file"] == "search_console/Abfragen.csv"]  # 2026-10
    assert export["status"] == "accepted" and "queries" in export["reason"]
    html = runs["second"]["report.html"].decode("utf-8")  # the report names what fed the month
    assert "search_console/Abfragen.csv</p>" in html
    assert all(r["status"] in ("accepted", "duplicate", "rejected") for r in report)


def test_prefect_artifact_with_top_candidates(runs):
    from prefect.client.orchestration import get_client
    from prefect.client.schemas.filters import ArtifactFilter, ArtifactFilterKey
    from prefect.client.schemas.sorting import ArtifactSort

    async def latest():
        async with get_client() as client:
            return await client.read_artifacts(
                artifact_filter=ArtifactFilter(key=ArtifactFilterKey(any_=["keyword-candidates"])),
                sort=ArtifactSort.CREATED_DESC,  # this module's run: other modules run flows too
                limit=1,
            )

    (artifact,) = asyncio.run(latest())
    table = (
        artifact.data
        if isinstance(artifact.data, list)
        else __import__("json").loads(artifact.data)
    )
    top = rows(runs)[:20]
    assert [r["keyword"] for r in table] == [r["keyword"] for r in top]
    assert not EMAIL_RE.findall(str(table))


def test_second_run_reuses_cached_matching_from_the_work_folder(runs):
    """Matching is defined by its inputs: the unchanged month's second run takes its result
    from the cache, which lives in the work folder."""
    from prefect.client.orchestration import get_client
    from prefect.client.schemas.filters import (
        FlowRunFilter,
        FlowRunFilterId,
        TaskRunFilter,
        TaskRunFilterName,
    )

    async def states(name):
        async with get_client() as client:
            ours = [  # this module's two runs; other modules run flows on the same server
                r.id
                for r in await client.read_flow_runs()
                if r.parameters.get("outputs") == str(runs["outputs"])
            ]
            found = await client.read_task_runs(
                flow_run_filter=FlowRunFilter(id=FlowRunFilterId(any_=ours)),
                task_run_filter=TaskRunFilter(name=TaskRunFilterName(like_=name)),
            )
        # This module's two runs are the session's latest (other modules run flows too).
        return [r.state.name for r in sorted(found, key=lambda r: r.created)[-2:]]

    assert asyncio.run(states("match-and-score")) == ["Completed", "Cached"]
    # The vocabulary is keyed by what it reads of the store: unchanged, it is reused too.
    assert asyncio.run(states("vocabulary")) == ["Completed", "Cached"]
    results = runs["outputs"].parent / "work" / "prefect-results"
    assert [p for p in results.iterdir() if p.is_file()]
