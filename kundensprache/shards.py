"""The month's parallel units of work: batches of files to read and of documents to extract.

Each function takes plain data (the config, paths, ids) and a store, so a task can run it in
any process or on any machine; ``flows/monthly.py`` submits them to the configured runner.
Results never depend on how the work was split: files are stored in shard order, and a
document's extraction record depends on its text and the settings only.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from kundensprache import ingest
from kundensprache.core.config import Config
from kundensprache.core.models import FileResult
from kundensprache.core.months import window
from kundensprache.core.progress import report
from kundensprache.extractors.phrases import PhraseExtractor
from kundensprache.extractors.records import extract_records, pack, settings_fingerprint
from kundensprache.store import Store
from kundensprache.store.extractions import Extractions

EXTRACT_BATCH = 2000  # documents extracted and stored together
# Files read, then stored, together. A shard's documents are held until it is stored, so
# its files' bytes are capped (large CRM exports make shards of few files); each shard costs
# two task runs, so small files go many to a shard.
SHARD_FILES = 1000
SHARD_BYTES = 4 << 20


def ingest_shards(config: Config, workers: int = 1) -> list[list[tuple[str, str]]]:
    """The inbox's files as (path, source) batches, each read by one task, anywhere: at
    most ``SHARD_FILES`` files of ``SHARD_BYTES`` together (a larger file alone), and a small
    inbox still gives every worker a share."""
    paths = [(str(p), s) for p, s in ingest.discover(config.paths.inputs)]
    size = max(1, min(SHARD_FILES, -(-len(paths) // max(1, workers))))
    shards: list[list[tuple[str, str]]] = []
    shard_bytes = 0
    for path in paths:
        try:
            nbytes = os.stat(path[0]).st_size
        except OSError:  # gone or unreadable: its shard reports it
            nbytes = 0
        if not shards or len(shards[-1]) >= size or shard_bytes + nbytes > SHARD_BYTES:
            shards.append([])
            shard_bytes = 0
        shards[-1].append(path)
        shard_bytes += nbytes
    return shards


def read_shard(config: Config, store: Store, shard: Sequence[tuple[str, str]]):
    """Read and redact one batch of files (stores nothing): a list of ``ingest.ReadFile``."""
    paths = [(Path(p), s) for p, s in shard]
    return ingest.read_paths(paths, store, config, inbox=config.paths.inputs)


def store_shard(
    store: Store, read: Sequence[ingest.ReadFile], before: int = 0, total: int = 0
) -> list[FileResult]:
    """Store one read batch; batches must be stored in shard order (see ``store_read``).
    ``before``: files of the earlier shards, ``total``: of all (for progress)."""

    def progress(done: int, _count: int, _name: str) -> None:
        report("ingest: files", before + done, total or len(read))

    return ingest.store_read(read, store, progress=progress)


@dataclass
class ExtractionPlan:
    """The window's documents without a current stored record, in batches of
    (doc_id, content hash): each batch is extracted by one task, anywhere."""

    fingerprint: str
    batches: list[list[tuple[str, str]]]
    window_key: str = ""  # what the month's aggregation reads; equal keys, equal vocabulary

    @property
    def documents(self) -> int:
        return sum(len(b) for b in self.batches)


def vocabulary_window(config: Config, month: str):
    """(first, last) day of the documents the report month's vocabulary counts."""
    return window(month, config.vocabulary.window_months)


def plan_extraction(config: Config, store: Store, since, until, workers: int = 1) -> ExtractionPlan:
    """What is left to extract, split so that every worker gets a share (a document's
    record depends on its text and the settings only, so the split changes no result)."""
    records = Extractions(store)
    records.prune()
    fingerprint = settings_fingerprint(config.vocabulary, config.company)
    stale, key = records.scan(fingerprint, since, until)
    size = max(1, min(EXTRACT_BATCH, -(-len(stale) // max(1, workers))))
    batches = [stale[i : i + size] for i in range(0, len(stale), size)]
    return ExtractionPlan(fingerprint, batches, key + website_key(config.paths.inputs))


def website_key(inputs: Path) -> str:
    """A hash of the files under ``inputs/website`` (the vocabulary flags phrases the
    company's own site never uses): paths and bytes."""
    h = hashlib.blake2b(digest_size=16)
    folder = inputs / "website"
    if folder.is_dir():
        for path in sorted(p for p in folder.rglob("*") if p.is_file()):
            h.update(path.relative_to(folder).as_posix().encode() + b"\0" + path.read_bytes())
    return h.hexdigest()


_extractors: dict[str, PhraseExtractor] = {}  # per process: a worker reuses its spaCy setup


def extract_shard(
    config: Config, store: Store, fingerprint: str, batch: Sequence[tuple[str, str]]
) -> int:
    """Extract one batch of documents and store their records; returns how many."""
    records = Extractions(store)
    hashes = dict(batch)
    extractor = _extractors.get(fingerprint)
    if extractor is None:
        extractor = _extractors[fingerprint] = PhraseExtractor(config.vocabulary, config.company)
    docs = records.documents(list(hashes))
    found = extract_records(docs, extractor, config.vocabulary)
    records.save(
        fingerprint,
        [(d.doc_id, hashes[d.doc_id], *pack(r)) for d, r in zip(docs, found, strict=True)],
    )
    return len(docs)
