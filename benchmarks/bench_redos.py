"""ReDoS benchmark: time of every text entry point on adversarial input of growing size.

Each entry point (redaction, CRM cells, email body and subject, call notes, transcripts,
captions, the upload page's paste) gets every adversarial input of tests/adversarial_inputs.py
at each size; the table shows, per entry point, the slowest input and its time at each size,
and the growth from the smallest to the largest size relative to the size ratio (1.0 = linear).
A measurement over ``--limit`` seconds is cut off (the child is killed) and shown as ``>limit``.

    .venv/bin/python benchmarks/bench_redos.py --sizes 2000 4000 8000 --limit 10
    .venv/bin/python benchmarks/bench_redos.py --sizes 12500 25000 50000 100000 --limit 10
"""

from __future__ import annotations

import argparse
import json
import multiprocessing as mp
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))
os.environ.setdefault("HF_HUB_OFFLINE", "1")


def _child(entry: str, jobs: list[tuple[str, int]], out) -> None:
    from adversarial_inputs import ENTRY_POINTS, PUMPS, pumped

    run = ENTRY_POINTS[entry]
    run("warm up Anna Schmidt, Tel. 089 1234567")
    pumps = {label: (p, u, s) for label, p, u, s in PUMPS}
    for label, size in jobs:
        text = pumped(*pumps[label], size)
        start = time.perf_counter()
        run(text)
        out.send((label, size, time.perf_counter() - start))
    out.send(None)


def measure(entry: str, sizes: list[int], limit: float) -> dict[tuple[str, int], float]:
    """Seconds per (pump, size); a run past ``limit`` is recorded as inf, its larger sizes
    are skipped."""
    from adversarial_inputs import PUMPS

    todo = [(label, size) for label, *_ in PUMPS for size in sizes]
    times: dict[tuple[str, int], float] = {}
    while todo:
        parent, child = mp.Pipe()
        proc = mp.Process(target=_child, args=(entry, todo, child), daemon=True)
        proc.start()
        while True:
            if not parent.poll(limit + 30 if not times else limit):
                label, size = todo[0]
                proc.kill()
                times[(label, size)] = float("inf")
                todo = [j for j in todo if j[0] != label]
                break
            got = parent.recv()
            if got is None:
                todo = []
                break
            label, size, seconds = got
            times[(label, size)] = seconds
            todo.remove((label, size))
        proc.join()
    return times


def _cell(seconds: float | None, limit: float) -> str:
    if seconds is None:
        return "skipped"
    return f">{limit:g}" if seconds == float("inf") else f"{seconds:.3f}"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", type=int, nargs="+", default=[12500, 25000, 50000, 100000])
    parser.add_argument("--limit", type=float, default=10.0)
    parser.add_argument("--entries", nargs="*")
    parser.add_argument("--json", type=Path)
    args = parser.parse_args()
    from adversarial_inputs import ENTRY_POINTS

    sizes = sorted(args.sizes)
    head = " | ".join(f"{s / 1000:g} KB s" for s in sizes)
    print(f"| entry point | slowest input | {head} | growth / size growth |")
    print("|---|---|" + "---:|" * (len(sizes) + 1))
    everything = {}
    for entry in args.entries or ENTRY_POINTS:
        times = measure(entry, sizes, args.limit)
        everything[entry] = {f"{k[0]}@{k[1]}": v for k, v in times.items()}
        worst = max(
            {k[0] for k in times},
            key=lambda lab: max(t for (lb, _), t in times.items() if lb == lab),
        )
        cells = []
        for size in sizes:
            t = times.get((worst, size))
            cells.append(_cell(t, args.limit))
        first, last = times.get((worst, sizes[0])), times.get((worst, sizes[-1]))
        growth = "—"
        if first and last and last != float("inf"):
            growth = f"{(last / first) / (sizes[-1] / sizes[0]):.2f}"
        print(f"| {entry} | {worst} | {' | '.join(cells)} | {growth} |", flush=True)
    if args.json:
        args.json.write_text(json.dumps(everything, indent=1))


if __name__ == "__main__":
    main()
