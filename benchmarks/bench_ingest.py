"""Ingest benchmark: a generated inbox of mixed call notes, CRM notes and emails.

Prints a markdown table: files/s, documents/s, peak memory and the time of a second
(incremental) run, for each corpus size, each size in a fresh process so peak memory is its
own. Memory must stay flat as the corpus grows: ingest streams file by file.

    .venv/bin/python benchmarks/bench_ingest.py --workdir /tmp/bench-ingest \\
        --sizes 2000:400 10000:2000 \\
        --texts /work/shared/bench-data/banking77/train.csv \\
        --texts /work/shared/bench-data/xsid_de/xsid07_de_valid.csv

``--sizes NOTES:EMAILS``; ``--texts`` CSV files whose ``text``/``text_de`` column supplies real
customer sentences (optional; built-in sentences otherwise). Notes are 80 % note files (.txt,
.md, .vtt, .srt, .docx) and 20 % rows of CRM CSV exports (100 rows per file); a third of the
emails are replies quoting an earlier one.
"""

from __future__ import annotations

import argparse
import csv
import json
import random
import resource
import shutil
import subprocess
import sys
import time
from datetime import UTC, datetime, timedelta
from email.message import EmailMessage
from email.utils import format_datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

BUILTIN = [
    "Wir pflegen unsere Kundendaten doppelt, im ERP und in Excel.",
    "Die Einsatzplanung der Monteure läuft noch über eine Magnettafel.",
    "Eine Schnittstelle zu SAP Business One wäre ideal.",
    "Was kostet eine Lizenz pro Nutzer im Monat?",
    "Die Zeiterfassung auf Papier kostet uns jeden Freitag Stunden.",
    "Wir brauchen eine App, die auch offline funktioniert.",
    "The approval workflow takes days because everything goes by email.",
    "We still export leads to spreadsheets every Friday.",
    "Our field engineers need the job details on their phones.",
    "Is there a Salesforce connector or do we need an API?",
]
FIRST = ["Anna", "Jonas", "Claudia", "Murat", "Hannah", "Sven", "Petra", "Emma", "Lars", "Meike"]
LAST = ["Schmidt", "Becker", "Brandt", "Yilmaz", "Price", "Krause", "Lange", "Collins", "Vogt"]
COMPANIES = ["Brandt Haustechnik GmbH", "Kraft AG", "Holzbau Nord GmbH", "Initech Ltd",
             "Spedition Köhler GmbH", "Northwind Traders", "Elektro Albers KG", "Hansa Logistik"]  # fmt: skip
OWN = "nordwerk-software.de"


def load_sentences(paths: list[str]) -> list[str]:
    sentences: list[str] = []
    for path in paths:
        with open(path, encoding="utf-8", newline="") as handle:
            reader = csv.DictReader(handle)
            column = next((c for c in ("text_de", "text") if c in (reader.fieldnames or [])), None)
            if column is None:
                raise SystemExit(f"{path}: no 'text' or 'text_de' column")
            sentences += [row[column].strip() for row in reader if row[column].strip()]
    return sentences or BUILTIN


def _body(rng: random.Random, sentences: list[str], n: int) -> str:
    text = " ".join(rng.choice(sentences) for _ in range(n))
    if rng.random() < 0.2:
        text += f" Rückruf unter +49 171 {rng.randint(1000000, 9999999)}."
    return text


def generate(inbox: Path, notes: int, emails: int, sentences: list[str], seed: int = 7) -> None:
    """Write the corpus (deterministic for a seed)."""
    rng = random.Random(seed)
    start = datetime(2026, 1, 1, 9, tzinfo=UTC)
    calls = inbox / "calls"
    crm = inbox / "crm"
    mails = inbox / "emails"
    for folder in (calls, crm, mails):
        folder.mkdir(parents=True, exist_ok=True)
    crm_rows = notes // 5
    note_files = notes - crm_rows
    docx_done = 0
    for i in range(note_files):
        day = (start + timedelta(days=i % 300)).date()
        person = f"{rng.choice(FIRST)} {rng.choice(LAST)}"
        company = rng.choice(COMPANIES)
        kind = rng.random()
        if kind < 0.70:
            turns = "\n".join(
                f"{'Kunde' if t % 2 == 0 else 'Vertrieb'}: {_body(rng, sentences, 2)}"
                for t in range(rng.randint(2, 8))
            )
            text = f"Datum: {day:%d.%m.%Y}\nFirma: {company}\nTeilnehmer: {person}\n\n{turns}\n"
            (calls / f"{day}_{i:05d}.txt").write_text(text, encoding="utf-8")
        elif kind < 0.82:
            text = f"# Notiz {company}\n\n**Datum:** {day:%d.%m.%Y}\n\n- {_body(rng, sentences, 3)}\n- Hallo Frau {rng.choice(LAST)}\n"
            (calls / f"note_{i:05d}.md").write_text(text, encoding="utf-8")
        elif kind < 0.90:
            cues = "\n\n".join(
                f"{t + 1}\n00:00:{t:02d}.000 --> 00:00:{t + 1:02d}.000\n"
                f"<v {person if t % 2 == 0 else 'Jonas Weber'}>{_body(rng, sentences, 1)}</v>"
                for t in range(rng.randint(3, 10))
            )
            (calls / f"{day}_teams_{i:05d}.vtt").write_text(
                "WEBVTT\n\n" + cues + "\n", encoding="utf-8"
            )
        elif kind < 0.98 or docx_done >= 200:
            cues = "\n\n".join(
                f"{t + 1}\n00:00:{t:02d},000 --> 00:00:{t + 1:02d},000\n"
                f"{person if t % 2 == 0 else 'Jonas Weber'}: {_body(rng, sentences, 1)}"
                for t in range(rng.randint(3, 10))
            )
            (calls / f"zoom_{i:05d}.srt").write_text(cues + "\n", encoding="utf-8")
        else:
            import docx

            document = docx.Document()
            document.add_heading(f"Besuchsbericht {company}", level=1)
            for _ in range(rng.randint(2, 5)):
                document.add_paragraph(f"Kunde: {_body(rng, sentences, 2)}")
            document.save(calls / f"besuch_{i:05d}.docx")
            docx_done += 1
    for f in range(-(-crm_rows // 100)):
        with open(crm / f"export_{f:03d}.csv", "w", encoding="utf-8", newline="") as handle:
            writer = csv.writer(handle, delimiter=";")
            writer.writerow(["Datum", "Firma", "Kontakt", "Autor", "Notiz"])
            for r in range(min(100, crm_rows - f * 100)):
                day = start + timedelta(days=(f * 100 + r) % 300)
                writer.writerow([f"{day:%d.%m.%Y}", rng.choice(COMPANIES),
                                 f"{rng.choice(FIRST)} {rng.choice(LAST)}", "Jonas Weber",
                                 f"<p>{_body(rng, sentences, 2)}</p>"])  # fmt: skip
    previous: list[tuple[str, str, datetime]] = []
    for i in range(emails):
        when = start + timedelta(hours=7 * i)
        customer = f"{rng.choice(FIRST)} {rng.choice(LAST)}"
        domain = f"kunde{rng.randint(1, 300)}.example"
        inbound = rng.random() < 0.6
        sender = (
            f"{customer} <{customer.split()[0].lower()}@{domain}>"
            if inbound
            else f"Jonas Weber <jonas.weber@{OWN}>"
        )
        to = f"Jonas Weber <jonas.weber@{OWN}>" if inbound else f"{customer} <info@{domain}>"
        body = (
            f"Hallo,\n\n{_body(rng, sentences, 3)}\n\nViele Grüße\n{sender.split('<')[0].strip()}\n"
        )
        if previous and i % 3 == 0:
            q_sender, q_body, q_when = rng.choice(previous)
            quoted = "\n".join("> " + line for line in q_body.splitlines())
            body += f"\nAm {q_when:%d.%m.%Y} um {q_when:%H:%M} schrieb {q_sender}:\n{quoted}\n"
        msg = EmailMessage()
        msg["From"], msg["To"], msg["Subject"] = sender, to, f"Anfrage {i}"
        msg["Date"] = format_datetime(when)
        msg.set_content(body)
        if i % 4 == 0:
            msg.add_alternative("<p>" + body.replace("\n", "<br>") + "</p>", subtype="html")
        (mails / f"{when:%Y-%m-%d}_{i:05d}.eml").write_bytes(bytes(msg))
        previous = (previous + [(sender, body, when)])[-50:]


def _status_mb(key: str) -> float:
    """VmRSS (now) or VmHWM (peak) of this process from /proc, in MB."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(key + ":"):
            return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _reset_peak() -> None:
    """Reset VmHWM (Linux >= 4.0), so the peak measured is the ingest's alone."""
    try:
        Path("/proc/self/clear_refs").write_text("5")
    except OSError:
        pass


def _warm_up(workdir: Path, config) -> None:
    """Load the lazily loaded parts (language model, parsers) before measuring: ingest the
    bundled sample into a fresh store (a reused one would skip every file)."""
    from kundensprache.ingest import ingest_inbox
    from kundensprache.store.db import Store

    db = workdir / "warm.sqlite"
    for suffix in ("", "-wal", "-shm"):
        Path(str(db) + suffix).unlink(missing_ok=True)
    store = Store(db)
    ingest_inbox(ROOT / "sample_data", store, config)
    store.close()


def heap_peak(workdir: Path, notes: int, emails: int) -> float:
    """Peak Python heap (tracemalloc, MB) of a first ingest: exact, unlike RSS on a shared box.

    tracemalloc slows Python down, so this runs apart from the timed runs, on its own store.
    """
    import tracemalloc

    from kundensprache.core.config import Config
    from kundensprache.ingest import ingest_inbox
    from kundensprache.store.db import Store

    config = Config()
    config.company.domains = [OWN]
    config.company.people = ["Jonas Weber"]
    _warm_up(workdir, config)
    db = workdir / f"heap_{notes}_{emails}.sqlite"
    for suffix in ("", "-wal", "-shm"):
        Path(str(db) + suffix).unlink(missing_ok=True)
    store = Store(db)
    tracemalloc.start()
    ingest_inbox(workdir / f"inbox_{notes}_{emails}", store, config)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    store.close()
    return peak / 2**20


def run_one(workdir: Path, notes: int, emails: int) -> dict:
    """Ingest a generated corpus twice and measure; runs in a fresh process (see main)."""
    inbox = workdir / f"inbox_{notes}_{emails}"
    from kundensprache.core.config import Config
    from kundensprache.ingest import discover, ingest_inbox
    from kundensprache.store.db import Store

    config = Config()
    config.company.domains = [OWN]
    config.company.people = ["Jonas Weber"]
    db = workdir / f"store_{notes}_{emails}.sqlite"
    for suffix in ("", "-wal", "-shm"):
        Path(str(db) + suffix).unlink(missing_ok=True)
    store = Store(db)
    files = len(discover(inbox))
    _warm_up(workdir, config)
    _reset_peak()
    baseline = _status_mb("VmRSS")
    t0 = time.perf_counter()
    first = ingest_inbox(inbox, store, config)
    t1 = time.perf_counter()
    peak = _status_mb("VmHWM")
    second = ingest_inbox(inbox, store, config)
    t2 = time.perf_counter()
    assert second == first, "second run must return the same results"
    documents = store.document_count()
    statuses: dict[str, int] = {}
    for r in first:
        statuses[r.status] = statuses.get(r.status, 0) + 1
    store.close()
    return {
        "notes": notes, "emails": emails, "files": files, "documents": documents,
        "first_s": t1 - t0, "second_s": t2 - t1, "baseline_mb": baseline, "peak_mb": peak,
        "statuses": statuses,
    }  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--workdir", type=Path, required=True, help="folder for corpora and stores")
    parser.add_argument("--sizes", nargs="+", default=["2000:400", "10000:2000"],
                        help="NOTES:EMAILS per corpus")  # fmt: skip
    parser.add_argument("--texts", action="append", default=[], help="CSV with real sentences")
    parser.add_argument("--generate", help=argparse.SUPPRESS)  # internal: write one corpus
    parser.add_argument("--one", help=argparse.SUPPRESS)  # internal: ingest one, JSON out
    parser.add_argument("--heap", help=argparse.SUPPRESS)  # internal: heap peak, JSON out
    args = parser.parse_args()
    args.workdir.mkdir(parents=True, exist_ok=True)
    if args.generate:
        notes, emails = (int(x) for x in args.generate.split(":"))
        inbox = args.workdir / f"inbox_{notes}_{emails}"
        if inbox.exists():
            shutil.rmtree(inbox)
        generate(inbox, notes, emails, load_sentences(args.texts))
        return
    if args.one:
        notes, emails = (int(x) for x in args.one.split(":"))
        print(json.dumps(run_one(args.workdir, notes, emails)))
        return
    if args.heap:
        notes, emails = (int(x) for x in args.heap.split(":"))
        print(json.dumps(heap_peak(args.workdir, notes, emails)))
        return
    rows = []
    for size in args.sizes:
        # Generating and ingesting in separate processes: peak memory is the ingest's own.
        base = [sys.executable, __file__, "--workdir", str(args.workdir)]
        texts = [arg for text in args.texts for arg in ("--texts", text)]
        subprocess.run([*base, "--generate", size, *texts], check=True)
        out = subprocess.run([*base, "--one", size], check=True, capture_output=True, text=True)
        rows.append(json.loads(out.stdout.strip().splitlines()[-1]))
        heap = subprocess.run([*base, "--heap", size], check=True, capture_output=True, text=True)
        rows[-1]["heap_mb"] = json.loads(heap.stdout.strip().splitlines()[-1])
    print("| notes | emails | files | documents stored | first run s | files/s | documents/s "
          "| RSS before ingest MB | peak RSS MB | Python heap peak MB | second run s |")  # fmt: skip
    print("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    for r in rows:
        print(
            f"| {r['notes']} | {r['emails']} | {r['files']} | {r['documents']} "
            f"| {r['first_s']:.1f} | {r['files'] / r['first_s']:.0f} "
            f"| {r['documents'] / r['first_s']:.0f} | {r['baseline_mb']:.0f} | {r['peak_mb']:.0f} "
            f"| {r['heap_mb']:.1f} | {r['second_s']:.2f} |"
        )
    print()
    print("statuses: " + "; ".join(f"{r['notes']}+{r['emails']}: {r['statuses']}" for r in rows))


if __name__ == "__main__":
    main()
