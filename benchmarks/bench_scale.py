"""Scale benchmark: the real monthly flow over N notes of ~150 words.

Builds an inbox of N notes from real customer sentences (banking77, English; xsid_de, German;
see ../shared/bench-data/README.md): 40 % call-note files (``Kunde:``/``Vertrieb:`` turns),
60 % rows of CRM CSV exports (1,000 rows a file), dated over the 12 months up to the report
month, ~N/20 accounts, plus a Search Console UI export for the report month. Then, each in a
fresh process (so peak RSS is its own), it runs ``monthly_keywords``:

1. the first run into an empty store,
2. a re-run with nothing changed,
3. a run after adding 1 % new notes (new files).

and prints one markdown table row per run: wall time of the flow run (Prefect's start to end)
and of the call that runs it (with the temporary Prefect server's start-up), words/s (over the
flow's time), the stage times (first start to last end of the stage's task runs), peak RSS of
the flow's process, and the blank spaCy tokenizer's words/s on the same note texts.

    .venv/bin/python benchmarks/bench_scale.py --workdir /tmp/bench-scale --notes 10000 20000

Options: ``--runner local|dask``, ``--workers N``, ``--store-url URL`` (written to the config
as ``[engine]``/``[store]`` keys), ``--postgres`` (a throw-away PostgreSQL server as the
store, started like the tests' one), ``--skip-rerun``, ``--skip-grow``.
"""

from __future__ import annotations

import argparse
import contextlib
import csv
import json
import os
import random
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BENCH_DATA = ROOT.parent / "shared" / "bench-data"
MONTH = "2026-11"
FIRST_DAY = date(2025, 12, 1)
LAST_DAY = date(2026, 11, 30)
WORDS_PER_NOTE = 150
CRM_ROWS_PER_FILE = 1000
CALL_SHARE = 0.4


def load_pools(bench_data: Path) -> dict[str, list[str]]:
    """German and English customer sentences from the bench data."""
    pools: dict[str, list[str]] = {"de": [], "en": []}
    for name in ("train.csv", "test.csv"):
        with open(bench_data / "banking77" / name, encoding="utf-8", newline="") as fh:
            pools["en"] += [r["text"].strip() for r in csv.DictReader(fh) if r["text"].strip()]
    with open(bench_data / "xsid_de" / "xsid07_de_valid.csv", encoding="utf-8", newline="") as fh:
        pools["de"] += [r["text_de"].strip() for r in csv.DictReader(fh) if r["text_de"].strip()]
    for lang, sentences in pools.items():
        pools[lang] = [s if s[-1] in ".?!" else s + "." for s in sentences]
        pools[lang][0] = pools[lang][0][0].upper() + pools[lang][0][1:]
    return pools


def note_body(rng: random.Random, pool: list[str]) -> list[str]:
    """Sentences adding up to about WORDS_PER_NOTE words."""
    sentences, words = [], 0
    while words < WORDS_PER_NOTE:
        s = rng.choice(pool)
        s = s[0].upper() + s[1:]
        sentences.append(s)
        words += len(s.split())
    return sentences


class Corpus:
    """Writes notes into an inbox; remembers every note text for the tokenizer run."""

    def __init__(self, inbox: Path, pools: dict[str, list[str]], notes: int, seed: int):
        self.inbox = inbox
        self.pools = pools
        self.rng = random.Random(seed)
        self.accounts = [f"Kunde {i:05d} GmbH" for i in range(max(1, notes // 20))]
        self.texts: list[str] = []
        for folder in ("calls", "crm", "search_console"):
            (inbox / folder).mkdir(parents=True, exist_ok=True)

    def _day(self, first: date, last: date) -> date:
        return first + timedelta(days=self.rng.randrange((last - first).days + 1))

    def add(self, n: int, tag: str, first: date = FIRST_DAY, last: date = LAST_DAY) -> None:
        crm_rows: list[list[str]] = []
        for i in range(n):
            lang = "de" if self.rng.random() < 0.5 else "en"
            sentences = note_body(self.rng, self.pools[lang])
            day = self._day(first, last)
            account = self.rng.choice(self.accounts)
            if self.rng.random() < CALL_SHARE:
                turns, k = [], 0
                while k < len(sentences):
                    take = self.rng.randint(1, 3)
                    who = "Kunde" if len(turns) % 3 != 2 else "Vertrieb"
                    turns.append(f"{who}: {' '.join(sentences[k : k + take])}")
                    k += take
                body = "\n\n".join(turns)
                text = f"Datum: {day:%d.%m.%Y}\nFirma: {account}\n\n{body}\n"
                (self.inbox / "calls" / f"{day}_{tag}_{i:06d}.txt").write_text(text, "utf-8")
                self.texts.append(body)
            else:
                body = " ".join(sentences)
                crm_rows.append([day.isoformat(), account, "Notiz", body])
                self.texts.append(body)
        for start in range(0, len(crm_rows), CRM_ROWS_PER_FILE):
            path = self.inbox / "crm" / f"export_{tag}_{start // CRM_ROWS_PER_FILE:04d}.csv"
            with open(path, "w", encoding="utf-8", newline="") as fh:
                writer = csv.writer(fh)
                writer.writerow(["Datum", "Firma", "Typ", "Notiz"])
                writer.writerows(crm_rows[start : start + CRM_ROWS_PER_FILE])

    def search_console(self, queries: int = 2000) -> None:
        rng = random.Random(11)
        seen: dict[str, None] = {}
        pool = self.pools["de"] + self.pools["en"]
        while len(seen) < queries:
            words = rng.choice(pool).lower().rstrip(".?!").split()
            n = rng.randint(2, 4)
            if len(words) >= n:
                k = rng.randrange(len(words) - n + 1)
                seen[" ".join(words[k : k + n])] = None
        path = self.inbox / "search_console" / f"{MONTH}_Queries.csv"
        with open(path, "w", encoding="utf-8", newline="") as fh:
            writer = csv.writer(fh)
            writer.writerow(["Top queries", "Clicks", "Impressions", "CTR", "Position"])
            for q in seen:
                imp = rng.randint(10, 5000)
                clicks = rng.randint(0, imp // 5)
                pos = round(rng.uniform(1, 40), 1)
                writer.writerow([q, clicks, imp, f"{100 * clicks / imp:.1f}%", pos])


def tokenizer_words_per_s(texts: list[str]) -> tuple[int, float]:
    """Words in the note texts, and the blank German spaCy tokenizer's words/s over them."""
    import spacy

    nlp = spacy.blank("de")
    words = sum(len(t.split()) for t in texts)
    start = time.perf_counter()
    for doc in nlp.tokenizer.pipe(texts, batch_size=1000):
        len(doc)
    return words, words / (time.perf_counter() - start)


# ------------------------------------------------------------------------------ child
def run_flow_child(inbox: str, outputs: str, config: str) -> dict:
    """Run the real flow in this process; timings from Prefect's task runs."""
    import asyncio

    from prefect.client.orchestration import get_client
    from prefect.client.schemas.filters import (
        FlowRunFilter,
        FlowRunFilterId,
        FlowRunFilterParentFlowRunId,
    )

    from kundensprache.flows.monthly import monthly_keywords

    start = time.perf_counter()
    state = monthly_keywords(
        month=MONTH, inputs=inbox, outputs=outputs, config_file=config, return_state=True
    )
    wall = time.perf_counter() - start
    if not state.is_completed():
        raise SystemExit(f"flow ended {state.type}: {state.message}")
    flow_run_id = state.state_details.flow_run_id

    async def task_times() -> tuple[float, dict[str, tuple[float, float]]]:
        """The flow's wall time, and per task name the (first start, last end) of its runs,
        in seconds from the flow's start: the stages run as tasks of the inner flow."""
        async with get_client() as client:
            run = await client.read_flow_run(flow_run_id)
            inner = await client.read_flow_runs(
                flow_run_filter=FlowRunFilter(
                    parent_flow_run_id=FlowRunFilterParentFlowRunId(any_=[flow_run_id])
                )
            )
            runs = FlowRunFilter(id=FlowRunFilterId(any_=[flow_run_id, *(r.id for r in inner)]))
            tasks, page = [], None
            while page != []:
                page = await client.read_task_runs(
                    flow_run_filter=runs, limit=200, offset=len(tasks)
                )
                tasks += page
        spans: dict[str, tuple[float, float]] = {}
        for t in tasks:
            if t.start_time and t.end_time:
                name = t.name.rsplit("-", 1)[0]
                start = (t.start_time - run.start_time).total_seconds()
                end = (t.end_time - run.start_time).total_seconds()
                lo, hi = spans.get(name, (start, end))
                spans[name] = (min(lo, start), max(hi, end))
        return (run.end_time - run.start_time).total_seconds(), spans

    flow_s, stages = asyncio.run(task_times())
    rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    # The largest child process that has ended: on Dask, a LocalCluster's worker.
    child_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    return {
        "process_s": wall,
        "flow_s": flow_s,
        "stages": stages,
        "rss_mb": rss_mb,
        "child_rss_mb": child_mb,
    }


def run_flow(inbox: Path, outputs: Path, config: Path, prefect_home: Path) -> dict:
    env = dict(
        os.environ,
        PREFECT_HOME=str(prefect_home),
        PREFECT_SERVER_ANALYTICS_ENABLED="false",
        PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS="120",
        HF_HUB_OFFLINE="1",
        TRANSFORMERS_OFFLINE="1",
    )
    cmd = [sys.executable, __file__, "--child", str(inbox), str(outputs), str(config)]
    proc = subprocess.run(cmd, env=env, capture_output=True, text=True, check=False)
    if proc.returncode != 0:
        sys.stderr.write(proc.stdout[-4000:] + proc.stderr[-8000:])
        raise SystemExit(f"flow failed (exit {proc.returncode})")
    return json.loads(proc.stdout.strip().splitlines()[-1])


# ----------------------------------------------------------------------------- driver
def write_config(path: Path, work: Path, args) -> None:
    lines = ["[paths]", f'work = "{work}"', "", "[company]", 'name = "Nordwerk Software GmbH"']
    if args.runner or args.workers is not None:
        lines += ["", "[engine]"]
        if args.runner:
            lines.append(f'runner = "{args.runner}"')
        if args.workers is not None:
            lines.append(f"workers = {args.workers}")
    if args.store_url:
        lines += ["", "[store]", f'url = "{args.store_url}"']
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def bench_size(notes: int, args, pools: dict[str, list[str]]) -> list[dict]:
    base = Path(args.workdir) / f"n{notes}"
    shutil.rmtree(base, ignore_errors=True)
    inbox, outputs, work, home = (base / x for x in ("inbox", "outputs", "work", "prefect"))
    for folder in (inbox, outputs, work, home):
        folder.mkdir(parents=True)
    corpus = Corpus(inbox, pools, notes, seed=notes)
    corpus.add(notes, "base")
    corpus.search_console()
    words, tok_wps = tokenizer_words_per_s(corpus.texts)
    config = base / "kundensprache.toml"
    write_config(config, work, args)
    rows = []

    def record(label: str, n_words: int) -> None:
        r = run_flow(inbox, outputs, config, home)
        r.update(label=label, notes=notes, words=n_words, tokenizer_wps=tok_wps)
        r.update(runner=args.runner or "local")
        rows.append(r)
        print(table_row(r), flush=True)

    record("first run", words)
    if not args.skip_rerun:
        record("re-run, nothing changed", words)
    if not args.skip_grow:
        before = len(corpus.texts)
        corpus.add(max(1, notes // 100), "plus", FIRST_DAY.replace(year=2026, month=11), LAST_DAY)
        added = sum(len(t.split()) for t in corpus.texts[before:])
        record("+1 % new notes", words + added)
    return rows


STAGES = {  # table column -> the flow's task names (see flows/monthly.py)
    "ingest": ("read-files", "store-files", "ingest-report"),
    "vocabulary": ("plan-extraction", "extract-documents", "vocabulary"),
    "topics": ("topics",),
}


HEADER = (
    "| notes | run | words | flow s | process s | words/s | tokenizer words/s | ratio | "
    + " | ".join(f"{s} s" for s in (*STAGES, "other"))
    + " | peak RSS MB |\n|---:|---|"
    + "---:|" * 11
)


def stage_seconds(spans: dict[str, list[float]], names: tuple[str, ...]) -> float:
    """Wall time of a stage: from its first task's start to its last task's end (parallel
    shards count once)."""
    found = [spans[n] for n in names if n in spans]
    return max(e for _, e in found) - min(s for s, _ in found) if found else 0.0


def table_row(r: dict) -> str:
    dask = r["runner"] == "dask"  # a worker's peak RSS: the largest ended child process
    main = [stage_seconds(r["stages"], names) for names in STAGES.values()]
    other = r["flow_s"] - sum(main)
    wps = r["words"] / r["flow_s"]
    cells = [
        f"{r['notes']}",
        r["label"],
        f"{r['words']:,}",
        f"{r['flow_s']:.1f}",
        f"{r['process_s']:.1f}",
        f"{wps:,.0f}",
        f"{r['tokenizer_wps']:,.0f}",
        f"{wps / r['tokenizer_wps']:.3f}",
        *(f"{x:.1f}" for x in main),
        f"{other:.1f}",
        f"{r['rss_mb']:.0f}" + (f" (worker {r['child_rss_mb']:.0f})" if dask else ""),
    ]
    return "| " + " | ".join(cells) + " |"


def main() -> None:
    if len(sys.argv) > 1 and sys.argv[1] == "--child":
        print(json.dumps(run_flow_child(*sys.argv[2:5])))
        return
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--workdir", default=str(Path(tempfile.gettempdir()) / "bench-scale"))
    parser.add_argument("--notes", type=int, nargs="+", default=[10000])
    parser.add_argument("--bench-data", type=Path, default=BENCH_DATA)
    parser.add_argument("--runner", choices=("local", "dask"))
    parser.add_argument("--workers", type=int)
    parser.add_argument("--store-url")
    parser.add_argument(
        "--postgres",
        action="store_true",
        help="a throw-away PostgreSQL server (tests/postgres_server.py), a new database per size",
    )
    parser.add_argument("--skip-rerun", action="store_true")
    parser.add_argument("--skip-grow", action="store_true")
    args = parser.parse_args()
    pools = load_pools(args.bench_data)
    print(HEADER, flush=True)
    with contextlib.ExitStack() as stack:
        server = None
        if args.postgres:
            sys.path.insert(0, str(ROOT / "tests"))
            from postgres_server import postgres_server

            server = stack.enter_context(postgres_server())
        for n in args.notes:
            if server is not None:
                args.store_url = server.create_database()
            bench_size(n, args, pools)


if __name__ == "__main__":
    main()
