"""The monthly flow on other engines, for real: a Dask LocalCluster of 2 worker processes
(prefect-dask) and a PostgreSQL store (a server the tests start). Both must give exactly the
CSVs of the default local run on SQLite."""

from __future__ import annotations

import asyncio
import shutil
from pathlib import Path

import pytest

from kundensprache.reports.tables import REPORT_HTML, TABLES
from kundensprache.sample_data import SAMPLE_CONFIG, SAMPLE_DIR, SAMPLE_MONTH
from kundensprache.store import Store

OUTPUT_FILES = (*(f"{name}.csv" for name in TABLES), REPORT_HTML)


def _run(base: Path, name: str, extra_toml: str) -> dict:
    from kundensprache.flows.monthly import monthly_keywords

    config = base / f"{name}.toml"
    config.write_text(
        SAMPLE_CONFIG.read_text(encoding="utf-8")
        + f'\n[paths]\nwork = "work-{name}"\n'
        + extra_toml,
        encoding="utf-8",
    )
    folder = Path(
        monthly_keywords(
            month=SAMPLE_MONTH,
            inputs=str(base / "inputs"),
            outputs=str(base / f"outputs-{name}"),
            config_file=str(config),
        )
    )
    return {name: (folder / name).read_bytes() for name in OUTPUT_FILES}


@pytest.fixture(scope="module")
def base(tmp_path_factory) -> Path:
    base = tmp_path_factory.mktemp("engines")
    for sub in ("calls", "crm", "emails", "search_console"):
        shutil.copytree(SAMPLE_DIR / sub, base / "inputs" / sub)
    return base


@pytest.fixture(scope="module")
def local_run(base, prefect_server) -> dict:
    return _run(base, "local", "")


def test_dask_runner_gives_the_same_csvs(base, local_run, prefect_server):
    dask = _run(base, "dask", '[engine]\nrunner = "dask"\nworkers = 2\n')
    for name in OUTPUT_FILES:
        assert dask[name] == local_run[name], name
    # The files were read by tasks on the cluster, reported to the flow's Prefect server.
    assert len(_task_runs("read-files")) >= 1 + 2  # one shard locally, two on the cluster


def test_postgres_store_gives_the_same_csvs_and_rows(base, local_run, postgres, prefect_server):
    url = postgres.create_database("kundensprache_e2e")
    on_postgres = _run(base, "postgres", f'[store]\nurl = "{url}"\n')
    for name in OUTPUT_FILES:
        assert on_postgres[name] == local_run[name], name
    with Store(url) as pg, Store(base / "work-local" / "kundensprache.sqlite") as lite:
        assert pg.dialect == "postgresql"
        assert pg.table_counts() == lite.table_counts()
        assert pg.table_counts()["documents"] > 200
    assert not (base / "work-postgres" / "kundensprache.sqlite").exists()
    # The store's URL (it may carry a password) is in no flow run's parameters.
    assert all("kundensprache_e2e" not in str(r.parameters) for r in _flow_runs())


def _flow_runs() -> list:
    from prefect.client.orchestration import get_client

    async def read():
        async with get_client() as client:
            return await client.read_flow_runs()

    runs = asyncio.run(read())
    assert runs
    return runs


def _task_runs(name: str) -> list:
    from prefect.client.orchestration import get_client
    from prefect.client.schemas.filters import TaskRunFilter, TaskRunFilterName

    async def read():
        async with get_client() as client:
            return await client.read_task_runs(
                task_run_filter=TaskRunFilter(name=TaskRunFilterName(like_=name))
            )

    return asyncio.run(read())
