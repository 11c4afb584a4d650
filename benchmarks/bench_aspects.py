"""Vocabulary precision on customer feedback annotated with what customers talk about.

    .venv/bin/python benchmarks/bench_aspects.py FILE [FILE ...] [--top 100] [--no-yake]

FILE: GERestaurant's ``data/test_dataset.json`` (a list of sentences with "text" and "tags",
each tag's "text" an aspect term as written, "NULL" for an implicit one), or the same as
``id<TAB>group<TAB>sentence<TAB>aspect | aspect …`` lines (benchmarks/README.md, "Extraction
on annotated customer feedback"). Each sentence is one customer document. Prints, for ours (blank spaCy) and YAKE pooled like ours:

- P@N exact: share of the first N candidates whose phrase key (lemmas, case, hyphens) is the
  key of an annotated aspect term;
- P@N overlap: … that hold an annotated term's content lemmas or lie inside one ("große
  Portionen" ~ "Portionen", "Wartezeit" ~ "Wartezeit von Bestellung");
- the candidates found, and the misses among the first 30 (what ranks high and is no aspect).
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent))

from bench_extraction import ours, pooled, yake_per_doc  # noqa: E402

from kundensprache.extractors.normalize import content_lemmas, phrase_key  # noqa: E402
from kundensprache.extractors.phrases import PhraseExtractor  # noqa: E402


def load(paths: list[Path]) -> tuple[list[str], list[str]]:
    texts, aspects = [], []
    for path in paths:
        if path.suffix == ".json":
            for item in json.loads(path.read_text(encoding="utf-8")):
                texts.append(item["text"])
                terms = [t["text"] for t in item["tags"] if t["text"] != "NULL"]
                aspects.extend(dict.fromkeys(terms))
            continue
        for line in path.read_text(encoding="utf-8").splitlines():
            parts = line.split("\t")
            if len(parts) != 4:
                raise SystemExit(f"{path}: not 4 tab-separated fields: {line[:80]!r}")
            texts.append(parts[2])
            aspects.extend(a.strip() for a in parts[3].split("|") if a.strip())
    return texts, aspects


def scores(cands: list[str], aspects: list[str], top: int) -> tuple[float, float, list[str]]:
    keys = {phrase_key(a, "de") for a in aspects}
    gold = [set(content_lemmas(a, "de")) for a in aspects]
    gold = [g for g in gold if g]
    exact = overlap = 0
    misses = []
    for i, keyword in enumerate(cands[:top]):
        mine = set(content_lemmas(keyword, "de"))
        hit = phrase_key(keyword, "de") in keys
        near = hit or any(g <= mine or (mine and mine <= g) for g in gold)
        exact += hit
        overlap += near
        if not near and i < 30:
            misses.append(keyword)
    n = max(1, min(top, len(cands)))
    return 100 * exact / n, 100 * overlap / n, misses


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("files", type=Path, nargs="+")
    parser.add_argument("--top", type=int, default=100)
    parser.add_argument("--no-yake", action="store_true")
    args = parser.parse_args()
    texts, aspects = load(args.files)
    runs = {
        "kundensprache (blank spaCy)": [
            k for k, _ in ours(texts, "de", args.top, PhraseExtractor())
        ]
    }
    if not args.no_yake:
        runs["YAKE"] = [k for k, _ in pooled(yake_per_doc(texts, "de"), args.top, "de")]
    print(
        f"{len(texts)} sentences, {len(aspects)} annotated aspect terms "
        f"({len({phrase_key(a, 'de') for a in aspects})} distinct)\n"
    )
    print(f"| method | candidates | P@{args.top} exact | P@{args.top} overlap |")
    print("|---|---|---|---|")
    details = []
    for name, cands in runs.items():
        exact, overlap, misses = scores(cands, aspects, args.top)
        print(f"| {name} | {len(cands)} | {exact:.0f}% | {overlap:.0f}% |")
        details.append(f"- {name}, first 30 not annotated: {', '.join(misses)}")
    print("\n" + "\n".join(details))


if __name__ == "__main__":
    main()
