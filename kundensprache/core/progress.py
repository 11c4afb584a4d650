"""Progress of the long stages (files ingested, documents extracted, phrases embedded).

Stages call :func:`report`; whoever shows progress installs a reporter for the process with
:func:`reporting`. ``kundensprache run`` on a terminal shows rich progress bars
(:func:`terminal_bars`); elsewhere (a Prefect worker, a Dask worker, tests) nothing is
installed and :func:`report` costs a dictionary lookup. Logs keep their own 10 % lines.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager

Reporter = Callable[[str, int, int], None]  # (stage, done, total)

_reporter: Reporter | None = None
_lock = threading.Lock()


def report(stage: str, done: int, total: int) -> None:
    """``done`` of ``total`` items of ``stage`` are finished."""
    reporter = _reporter
    if reporter is not None:
        reporter(stage, done, total)


@contextmanager
def reporting(reporter: Reporter) -> Iterator[None]:
    """Send this process's progress to ``reporter`` while the block runs."""
    global _reporter
    with _lock:
        previous, _reporter = _reporter, reporter
    try:
        yield
    finally:
        with _lock:
            _reporter = previous


@contextmanager
def terminal_bars(console=None) -> Iterator[None]:
    """One rich progress bar per stage, with counts, elapsed time and time left, on stderr
    (or ``console``, a rich Console) so that stdout keeps only the run's summary."""
    from rich.console import Console
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        TextColumn,
        TimeElapsedColumn,
        TimeRemainingColumn,
    )

    bars = Progress(
        TextColumn("{task.description:<22}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        TextColumn("left"),
        TimeRemainingColumn(),
        console=console or Console(stderr=True),
        transient=False,
    )
    tasks: dict[str, int] = {}

    def show(stage: str, done: int, total: int) -> None:
        task = tasks.get(stage)
        if task is None:
            task = tasks[stage] = bars.add_task(stage, total=total)
        bars.update(task, completed=done, total=total)

    with bars, reporting(show):
        yield
