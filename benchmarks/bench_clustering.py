"""Clustering benchmark: quality, id stability and scale, all in one run, one markdown table.

    .venv/bin/python benchmarks/bench_clustering.py [--data ../shared/bench-data]
        [--scale 5000,20000,50000] [--no-bertopic] [--no-scale]

Quality (gold intents, no k given to us): banking77 test (English; also 10 and 30 of its
intents, and all 77 with only 10 or 20 phrases each: does the number of topics follow the
data?), CLINC150's validation split (150 intents, shipped in benchmarks/data) alone and with
banking77 (227 intents), and xSID (German, plus its parallel English text as a control), each with both bundled
encoders:
  - ours: `clustering.cluster_texts`, the code behind `kundensprache cluster` (outlier group
    counted as one cluster, as a user sees it),
  - KMeans told the true k (mean of 5 seeds),
  - BERTopic with its defaults on the same embeddings (UMAP seeded for repeatability;
    its outliers also counted as one cluster).
Stability: month A (a seeded 10/11 of the phrases), then A + the remaining 1/11 (10% new
phrases), with A's snapshot as history: share of A's phrases whose topic id is unchanged,
mean of 3 seeds.
Scale: 5k/20k/50k phrases made from the banking77 train set plus textual variations, through
`embed_and_cluster` with a fresh SQLite store (cache cold) and again (cache warm); each run in
its own process, so peak memory (peak RSS, model included when it is loaded) is that run's.
"""

from __future__ import annotations

import argparse
import json
import re
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd
from sklearn.cluster import KMeans
from sklearn.metrics import adjusted_rand_score, normalized_mutual_info_score

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
# Offline defaults (HF_HUB_OFFLINE, ...) come with the first `import kundensprache`.

from kundensprache.clustering import cluster_texts, embed_and_cluster, embed_texts, load_encoder  # noqa: E402
from kundensprache.core.config import Config  # noqa: E402
from kundensprache.store.db import Store  # noqa: E402

ENCODERS = ("minilm", "use-multilingual")
COLUMNS = (
    "part",
    "data (n, gold k)",
    "encoder",
    "method",
    "NMI",
    "ARI",
    "topics",
    "outliers",
    "ids kept",
    "seconds",
    "peak MB",
)


def row(**cells) -> dict:
    return {c: cells.get(c, "") for c in COLUMNS}


def scores(gold, pred) -> tuple[str, str]:
    return (
        f"{100 * normalized_mutual_info_score(gold, pred):.1f}",
        f"{100 * adjusted_rand_score(gold, pred):.1f}",
    )


def load_sets(data: Path, clinc: Path | None = None) -> list[tuple[str, list[str], list[str]]]:
    banking = pd.read_csv(data / "banking77" / "test.csv")
    xsid = pd.read_csv(data / "xsid_de" / "xsid07_de_valid.csv")
    return [
        *(clinc_sets(clinc, banking) if clinc else []),
        ("banking77 test (en)", banking.text.tolist(), banking.category.tolist()),
        *banking_subsets(banking),
        ("xSID (de)", xsid.text_de.tolist(), xsid.intent.tolist()),
        ("xSID, parallel English (en)", xsid.text_en.tolist(), xsid.intent.tolist()),
        # The largest intent set the bench data allows: both English sets in one run.
        (
            "banking77 test + xSID English (en)",
            banking.text.tolist() + xsid.text_en.tolist(),
            banking.category.tolist() + [f"xsid:{i}" for i in xsid.intent],
        ),
    ]


def clinc_sets(path: Path, banking: pd.DataFrame) -> list[tuple[str, list[str], list[str]]]:
    """Far more intents than banking77: CLINC150 (``text<TAB>intent`` lines, e.g. its
    validation split, 150 intents x 20) alone and together with banking77 test (227)."""
    clinc = pd.read_csv(path, sep="\t", names=["text", "intent"], quoting=3, dtype=str)
    return [
        ("CLINC150 (en)", clinc.text.tolist(), clinc.intent.tolist()),
        (
            "CLINC150 + banking77 test (en)",
            clinc.text.tolist() + banking.text.tolist(),
            [f"clinc:{i}" for i in clinc.intent] + banking.category.tolist(),
        ),
    ]


def banking_subsets(banking: pd.DataFrame) -> list[tuple[str, list[str], list[str]]]:
    """Granularity: 10 and 30 of the 77 intents (seeded choice), and all 77 with only 10 or
    20 phrases each (many narrow intents in a small set)."""
    cats = np.random.default_rng(0).permutation(sorted(banking.category.unique()))
    out = []
    for k in (10, 30):
        sub = banking[banking.category.isin(cats[:k])]
        out.append((f"banking77, {k} intents (en)", sub.text.tolist(), sub.category.tolist()))
    for m in (10, 20):
        sub = banking.groupby("category").head(m)
        out.append((f"banking77, {m} per intent (en)", sub.text.tolist(), sub.category.tolist()))
    return out


def bertopic_labels(texts: list[str], emb: np.ndarray) -> list[int]:
    from bertopic import BERTopic
    from umap import UMAP

    # BERTopic's default UMAP settings, plus a seed so the figures repeat.
    umap = UMAP(n_neighbors=15, n_components=5, min_dist=0.0, metric="cosine", random_state=42)
    topics, _ = BERTopic(umap_model=umap).fit_transform(texts, embeddings=emb)
    return list(topics)


def quality(
    data: Path,
    with_bertopic: bool,
    clinc: Path | None = None,
    only: str = "",
    encoders: tuple[str, ...] = ENCODERS,
) -> list[dict]:
    rows = []
    for name, texts, gold in load_sets(data, clinc):
        if only and only not in name:
            continue
        k = len(set(gold))
        label = f"{name} ({len(texts)}, {k})"
        for spec in encoders:
            emb = embed_texts(texts, load_encoder(spec))
            start = time.perf_counter()
            ours = cluster_texts(texts, emb)
            took = time.perf_counter() - start
            outliers = len(ours.topics[-1].member_indices)
            nmi, ari = scores(gold, ours.assignments)
            rows.append(
                row(
                    part="quality",
                    **{"data (n, gold k)": label},
                    encoder=spec,
                    method="ours (no k)",
                    NMI=nmi,
                    ARI=ari,
                    topics=str(len(ours.topics) - 1),
                    outliers=f"{100 * outliers / len(texts):.1f}%",
                    seconds=f"{took:.1f}",
                )
            )
            start = time.perf_counter()
            runs = [KMeans(k, random_state=s, n_init=1).fit_predict(emb) for s in range(5)]
            took = (time.perf_counter() - start) / 5
            nmis = [normalized_mutual_info_score(gold, r) for r in runs]
            aris = [adjusted_rand_score(gold, r) for r in runs]
            rows.append(
                row(
                    part="quality",
                    **{"data (n, gold k)": label},
                    encoder=spec,
                    method="KMeans, true k (5 seeds)",
                    NMI=f"{100 * np.mean(nmis):.1f}",
                    ARI=f"{100 * np.mean(aris):.1f}",
                    topics=str(k),
                    outliers="0.0%",
                    seconds=f"{took:.1f}",
                )
            )
            if with_bertopic:
                start = time.perf_counter()
                labels = bertopic_labels(texts, emb)
                took = time.perf_counter() - start
                nmi, ari = scores(gold, labels)
                rows.append(
                    row(
                        part="quality",
                        **{"data (n, gold k)": label},
                        encoder=spec,
                        method="BERTopic defaults",
                        NMI=nmi,
                        ARI=ari,
                        topics=str(len(set(labels) - {-1})),
                        outliers=f"{100 * labels.count(-1) / len(texts):.1f}%",
                        seconds=f"{took:.1f}",
                    )
                )
            print(f"  quality: {name} / {spec} done", file=sys.stderr, flush=True)
    return rows


def kept_share(texts: list[str], emb: np.ndarray, seed: int) -> tuple[float, list[str], list]:
    """Month A = 10/11 of the phrases, month B = A + the rest: share of A keeping its id."""
    rng = np.random.default_rng(seed)
    order = rng.permutation(len(texts))
    n_a = round(len(texts) / 1.1)
    a, new = np.sort(order[:n_a]), np.sort(order[n_a:])
    b = np.concatenate([a, new])
    texts_a = [texts[i] for i in a]
    month_a = cluster_texts(texts_a, emb[a])
    snapshot = month_a.snapshot(texts_a)
    month_b = cluster_texts(
        [texts[i] for i in b],
        emb[b],
        previous=snapshot,
        taken_ids={c.cluster_id for c in snapshot},
    )
    kept = zip(month_a.assignments, month_b.assignments[:n_a], strict=True)
    same = sum(x == y for x, y in kept)
    return same / n_a, month_b.assignments, b


def stability(data: Path) -> list[dict]:
    rows = []
    sets = load_sets(data)
    defaults = Config()
    for name, texts, gold in [sets[0], sets[-2]]:  # banking77 test, xSID (de)
        spec = defaults.embedding.models.get("de" if "(de)" in name else "en")
        spec = spec or defaults.embedding.model
        emb = embed_texts(texts, load_encoder(spec))
        shares, nmis, aris = [], [], []
        for seed in (1, 2, 3):
            share, assignments_b, order = kept_share(texts, emb, seed)
            shares.append(share)
            gold_b = [gold[i] for i in order]
            nmis.append(normalized_mutual_info_score(gold_b, assignments_b))
            aris.append(adjusted_rand_score(gold_b, assignments_b))
        rows.append(
            row(
                part="stability",
                **{"data (n, gold k)": f"{name}: A = 10/11, B = A + 10% new"},
                encoder=spec,
                method="ours, B with A's history (3 seeds)",
                NMI=f"{100 * np.mean(nmis):.1f}",
                ARI=f"{100 * np.mean(aris):.1f}",
                **{"ids kept": f"{100 * np.mean(shares):.1f}% (min {100 * min(shares):.1f}%)"},
            )
        )
    return rows


VARIANTS = (
    "{t}",
    "{lower}",
    "hi, {lower}",
    "{t} thanks",
    "please help: {lower}",
    "{bare}",
    "quick question: {lower}",
    "{t} asap",
    "hello, {lower}",
    "urgent: {lower}",
    "{bare} please",
    "can you help? {t}",
)


def scale_phrases(train: Path, n: int) -> tuple[list[str], list[str]]:
    """n distinct phrases: banking77 train texts and variations of them (deterministic)."""
    df = pd.read_csv(train)
    order = np.random.default_rng(7).permutation(len(df))
    seen: dict[str, str] = {}
    for variant in VARIANTS:
        for i in order:
            t = str(df.text.iloc[i]).strip()
            bare = re.sub(r"[^\w\s']", "", t).strip()
            phrase = variant.format(t=t, lower=t.lower(), bare=bare)
            if phrase not in seen:
                seen[phrase] = df.category.iloc[i]
                if len(seen) == n:
                    return list(seen), list(seen.values())
    raise SystemExit(f"could only make {len(seen)} distinct phrases from {train}")


def peak_rss_mb() -> float:
    """This process's peak resident memory. VmHWM, not ru_maxrss: on Linux ru_maxrss carries
    the parent's peak over fork + exec, which would charge the quality part's models here."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def scale_one(train: Path, n: int, store_path: Path) -> dict:
    """One timed run in this process (called in a subprocess by `scale`)."""
    texts, gold = scale_phrases(train, n)
    store = Store(store_path)
    start = time.perf_counter()
    clustering, _ = embed_and_cluster(texts, ["en"] * n, config=Config(), cache=store)
    took = time.perf_counter() - start
    peak_mb = peak_rss_mb()
    nmi, ari = scores(gold, clustering.assignments)
    return {
        "seconds": took,
        "peak_mb": peak_mb,
        "topics": len(clustering.topics) - 1,
        "outliers": len(clustering.topics[-1].member_indices) / n,
        "nmi": nmi,
        "ari": ari,
        "k": len(set(gold)),
    }


def scale(data: Path, sizes: list[int]) -> list[dict]:
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        for n in sizes:
            store = Path(tmp) / f"store-{n}.sqlite"
            for cache in ("cold", "warm"):
                out = subprocess.run(
                    [
                        sys.executable,
                        __file__,
                        "--scale-one",
                        str(n),
                        "--store",
                        str(store),
                        "--data",
                        str(data),
                    ],
                    check=True,
                    capture_output=True,
                    text=True,
                )
                result = json.loads(out.stdout.strip().splitlines()[-1])
                rows.append(
                    row(
                        part="scale",
                        **{
                            "data (n, gold k)": f"banking77 train + variations ({n}, {result['k']})"
                        },
                        encoder="minilm (en default)",
                        method=f"embed_and_cluster, cache {cache}",
                        NMI=result["nmi"],
                        ARI=result["ari"],
                        topics=str(result["topics"]),
                        outliers=f"{100 * result['outliers']:.1f}%",
                        seconds=f"{result['seconds']:.0f}",
                        **{"peak MB": f"{result['peak_mb']:.0f}"},
                    )
                )
                print(f"  scale: {n} {cache} done", file=sys.stderr, flush=True)
    return rows


def markdown(rows: list[dict]) -> str:
    lines = ["| " + " | ".join(COLUMNS) + " |", "|" + "---|" * len(COLUMNS)]
    lines += ["| " + " | ".join(r[c] for c in COLUMNS) + " |" for r in rows]
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=ROOT.parent / "shared" / "bench-data")
    parser.add_argument(
        "--scale", default="5000,20000,50000", help="phrase counts, comma-separated"
    )
    parser.add_argument("--no-scale", action="store_true")
    parser.add_argument("--no-bertopic", action="store_true")
    parser.add_argument(
        "--clinc",
        type=Path,
        default=ROOT / "benchmarks" / "data" / "clinc150_val.tsv",
        help="CLINC150 as text<TAB>intent lines (default: its validation split, shipped)",
    )
    parser.add_argument("--only", default="", help="quality sets whose name contains this")
    parser.add_argument("--encoders", default=",".join(ENCODERS), help="comma-separated")
    parser.add_argument("--no-stability", action="store_true")
    parser.add_argument("--scale-one", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--store", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.scale_one:
        print(
            json.dumps(scale_one(args.data / "banking77" / "train.csv", args.scale_one, args.store))
        )
        return
    for needed in ("banking77/test.csv", "banking77/train.csv", "xsid_de/xsid07_de_valid.csv"):
        if not (args.data / needed).is_file():
            raise SystemExit(f"{args.data / needed}: not found (give --data DIR)")
    encoders = tuple(e for e in args.encoders.split(",") if e)
    rows = quality(args.data, not args.no_bertopic, args.clinc, args.only, encoders)
    if not args.no_stability:
        rows += stability(args.data)
    if not args.no_scale:
        rows += scale(args.data, [int(s) for s in args.scale.split(",") if s.strip()])
    print(markdown(rows))


if __name__ == "__main__":
    main()
