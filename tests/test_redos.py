"""Every text entry point finishes quickly on adversarial 100 KB input (issue 12, ReDoS).

Each input is a short unit pumped to 100 KB (tests/adversarial_inputs.py) — the shapes that
made the old patterns backtrack quadratically or cubically (a 1.6 KB pasted note took 72 s).
The bound is generous for a busy 2-core machine: a super-linear path takes minutes at this
size, a linear one a fraction of a second. Each entry point runs in a child process so that a
regression fails the test instead of hanging the suite. benchmarks/bench_redos.py shows the
growth with size.
"""

from __future__ import annotations

import multiprocessing as mp
import time

import pytest
from adversarial_inputs import ENTRY_POINTS, PUMPS, pumped

SIZE = 100_000
BOUND_S = 5.0  # per input; linear paths take well under a second on a quiet machine


def _run_all(entry: str, out) -> None:
    run = ENTRY_POINTS[entry]
    run("warm up: Anna Schmidt, Tel. 089 1234567")
    for label, prefix, unit, suffix in PUMPS:
        text = pumped(prefix, unit, suffix, SIZE)
        start = time.perf_counter()
        run(text)
        out.send((label, time.perf_counter() - start))
    out.send(None)


@pytest.mark.parametrize("entry", list(ENTRY_POINTS))
def test_adversarial_input_finishes_quickly(entry):
    parent, child = mp.Pipe()
    proc = mp.get_context("fork").Process(target=_run_all, args=(entry, child), daemon=True)
    proc.start()
    times: dict[str, float] = {}
    try:
        while True:
            if not parent.poll(BOUND_S + 60 if not times else BOUND_S * 2):
                pending = [label for label, *_ in PUMPS if label not in times]
                pytest.fail(f"{entry}: input {pending[0]!r} ran past {BOUND_S * 2} s")
            got = parent.recv()
            if got is None:
                break
            times[got[0]] = got[1]
    finally:
        proc.kill()
        proc.join()
    slow = {label: round(t, 2) for label, t in times.items() if t > BOUND_S}
    assert not slow, f"{entry}: over {BOUND_S} s on 100 KB: {slow}"
    assert len(times) == len(PUMPS)


def test_one_speakers_lines_are_joined_in_linear_time():
    """A note of a million one-character lines by one speaker: gathering them into one turn
    used to copy the growing text once per line (0.7 s at 100,000 lines, 9 s at 400,000);
    now the lines are joined once. A quadratic join takes minutes here."""
    from kundensprache.ingest.calls import _join

    turns = [("customer", "a", None)] * 1_000_000
    start = time.process_time()
    joined = _join(turns)
    assert time.process_time() - start < BOUND_S
    assert joined == [("customer", "\n".join(["a"] * 1_000_000))]
    assert _join([("customer", "a", "X"), ("customer", "b", "Y"), ("rep", "c", None)]) == [
        ("customer", "a"),
        ("customer", "b"),
        ("rep", "c"),
    ]
