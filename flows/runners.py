"""Where the month's tasks run: ``[engine] runner``.

``local``: in the flow's own process, one task at a time (a small machine's default).
``dask``: on a Dask cluster through prefect-dask: the scheduler at ``[engine] address``, or a
``LocalCluster`` of ``[engine] workers`` processes (0: one per CPU core) started for the run.
Either way the outputs are byte-identical: the shards are the same and results are merged in
shard order.
"""

from __future__ import annotations

import os

from prefect.task_runners import TaskRunner, ThreadPoolTaskRunner

from kundensprache.core.config import EngineConfig


def worker_count(engine: EngineConfig) -> int:
    return engine.workers or os.cpu_count() or 1


def task_runner(engine: EngineConfig, api_url: str | None = None) -> TaskRunner:
    """The runner for the month's tasks. ``api_url``: the Prefect API the flow reports to,
    handed to the worker processes of a cluster started for the run (without it, a worker
    would start a temporary Prefect server of its own when the flow runs on one)."""
    if engine.runner != "dask":
        return ThreadPoolTaskRunner(max_workers=1)
    from prefect_dask import DaskTaskRunner

    if engine.address:
        return DaskTaskRunner(address=engine.address)
    return DaskTaskRunner(
        cluster_class="distributed.LocalCluster",
        cluster_kwargs={
            "n_workers": worker_count(engine),
            "threads_per_worker": 1,  # spaCy and torch are CPU-bound: one task per process
            "processes": True,
            "dashboard_address": ":0",  # any free port: runs side by side never clash
            "env": {"PREFECT_API_URL": api_url} if api_url else {},
        },
    )
