"""Matching and ranking benchmark on the demo: what an SEO reads first, measured.

    .venv/bin/python benchmarks/bench_matching.py [--outputs DIR] [--no-run]

Runs `kundensprache demo` into a temporary folder (about a minute) and twice more to check the
CSVs are byte-identical, then prints one markdown table:

- gap share: candidates classed ``gap`` / all candidates;
- unmatched queries sharing a content word (compound parts included) with a phrase of >= 2
  customer accounts (target 0), and those holding a whole phrase of >= 3 accounts (target 0);
- top-50 rows judged jargon, template, legal form or head word (target 0) and precision of the
  first 100 candidates, against the frozen hand judgements in ``judgements_demo.csv``
  (``accept`` 1 = a customer topic an SEO would act on, 0 = not; ``reason`` says why);
- match types.
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import os
import subprocess
import sys
import tempfile
from collections import Counter
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT))

from kundensprache.extractors.lexicon import WH_WORDS  # noqa: E402
from kundensprache.extractors.normalize import content_lemmas  # noqa: E402
from kundensprache.matching.words import contains_all, covers  # noqa: E402

BAD_REASONS = ("jargon", "template", "legal form")


def run_demo(folder: Path) -> Path:
    env = dict(os.environ, HF_HUB_OFFLINE="1", TRANSFORMERS_OFFLINE="1")
    env.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
    env["PREFECT_HOME"] = tempfile.mkdtemp()
    cli = Path(sys.executable).parent / "kundensprache"
    subprocess.run(
        [str(cli), "demo", "--outputs", str(folder)], check=True, env=env, capture_output=True
    )
    return folder / "latest"


def read(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


BRAND = ("Nordwerk", "Nordwerk Suite")  # the sample's brand terms (its kundensprache.toml)


def lemmas(text: str, lang: str) -> set[str]:
    brand = {lemma for b in BRAND for lemma in content_lemmas(b, lang)}
    return set(content_lemmas(text, lang)) - WH_WORDS.get(lang, frozenset()) - brand


def unmatched_checks(cands, unmatched) -> tuple[int, int, list[str]]:
    words2 = {}
    phrases3 = []
    for c in cands:
        mine = lemmas(c["keyword"], c["language"])
        if int(c["accounts"]) >= 2:
            for w in mine:
                words2[(c["language"], w)] = c["keyword"]
        if int(c["accounts"]) >= 3:
            phrases3.append((c["language"], mine))
    sharing, holding, examples = 0, 0, []
    for q in unmatched:
        shared = False
        held = False
        for lang in ("de", "en"):
            ql = lemmas(q["query"], lang)
            if any(covers(a, b) or covers(b, a) for a in ql for (lg, b) in words2 if lg == lang):
                shared = True
            if any(lg == lang and contains_all(ql, p) for lg, p in phrases3):
                held = True
        sharing += shared
        holding += held
        if shared:
            examples.append(q["query"])
    return sharing, holding, examples


def judged(cands, judgements: dict[str, tuple[int, str]]):
    top100 = [c["keyword"] for c in cands[:100]]
    known = [k for k in top100 if k in judgements]
    accepted = sum(judgements[k][0] for k in known)
    bad50 = [
        k
        for k in top100[:50]
        if k in judgements and any(r in judgements[k][1] for r in BAD_REASONS)
    ]
    heads50 = [k for k in top100[:50] if k in judgements and "head word" in judgements[k][1]]
    missing = [k for k in top100 if k not in judgements]
    return accepted, len(known), bad50, heads50, missing


def digest(folder: Path) -> str:
    h = hashlib.sha256()
    for name in ("keyword_candidates.csv", "clusters.csv", "unmatched_queries.csv"):
        h.update((folder / name).read_bytes())
    return h.hexdigest()[:16]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--outputs", type=Path, help="read this demo output folder instead")
    parser.add_argument("--runs", type=int, default=2, help="demo runs for the identity check")
    args = parser.parse_args()
    digests = []
    if args.outputs:
        out = args.outputs
        digests.append(digest(out))
    else:
        for _ in range(args.runs):
            out = run_demo(Path(tempfile.mkdtemp()) / "demo")
            digests.append(digest(out))
    cands = read(out / "keyword_candidates.csv")
    unmatched = read(out / "unmatched_queries.csv")
    judgements = {
        r["keyword"]: (int(r["accept"]), r["reason"]) for r in read(HERE / "judgements_demo.csv")
    }
    gaps = sum(c["opportunity"] == "gap" for c in cands)
    sharing, holding, examples = unmatched_checks(cands, unmatched)
    accepted, known, bad50, heads50, missing = judged(cands, judgements)
    types = Counter(c["match_type"] for c in cands)
    print("| measure | value |\n|---|---|")
    print(f"| candidates | {len(cands)} |")
    print(f"| gap share | {100 * gaps / len(cands):.1f}% ({gaps}) |")
    print(f"| match types | {', '.join(f'{k} {v}' for k, v in sorted(types.items()))} |")
    print(f"| unmatched queries | {len(unmatched)} |")
    print(f"| … sharing a word with >= 2-account vocabulary | {sharing} {examples[:5]} |")
    print(f"| … holding a phrase of >= 3 accounts | {holding} |")
    print(f"| jargon/template/legal form in top 50 | {len(bad50)} {bad50} |")
    print(f"| one-word head words in top 50 | {len(heads50)} {heads50} |")
    print(f"| precision of top 100 (judged) | {100 * accepted / max(1, known):.0f}% of {known} |")
    print(f"| byte-identical over {len(digests)} runs | {len(set(digests)) == 1} |")
    if missing:
        print(f"\nunjudged in the top 100: {missing}", file=sys.stderr)


if __name__ == "__main__":
    main()
