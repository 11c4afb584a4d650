"""Per-document extraction records: what one document contributes to a month's vocabulary.

Extraction (spaCy, the phrase rules) is the expensive part of a month, and a document's
phrases depend only on its own text and the extraction settings. So each document is
extracted once into a :class:`DocRecord`, stored (``kundensprache.store.extractions``) under
its content hash and a fingerprint of the settings, and every later month aggregates the
stored records (``extractors.vocabulary.aggregate``) instead of extracting again.

A record holds no document metadata (account, date, source): those come from the documents
table when aggregating, so they can change without a re-extraction.
"""

from __future__ import annotations

import bisect
import hashlib
import importlib.metadata
import json
import re
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path

import msgpack

from kundensprache.core.config import CompanyConfig, VocabularyConfig
from kundensprache.core.models import Document
from kundensprache.extractors.phrases import PhraseExtractor

# A sentence of at least this many words can be a template (signature, disclaimer, form
# text); such sentences are remembered by hash so the month can find the repeated ones.
TEMPLATE_MIN_WORDS = 6
# A phrase counts as nested in a longer one that starts at most this many characters before it.
NESTED_WINDOW = 200
ROLE_RANK = {"customer": 0, "unknown": 1}
_SENTENCE_END = re.compile(r"[.!?\n]+")
# Settings that only steer the month's aggregation, not what a document yields: changing
# them must not re-extract the corpus.
_AGGREGATION_ONLY = ("window_months", "min_documents", "max_candidates")
_PACKAGES = ("spacy", "spacy-lookups-data", "wordfreq")


@dataclass(slots=True)
class PhraseRecord:
    """One phrase key's mentions in one document."""

    key: str
    roles: dict[str, int]  # role -> mentions ("customer", "unknown")
    surfaces: dict[str, int]  # surface (whitespace-normalised) -> mentions
    kinds: dict[str, int]
    sentences: dict[int, int]  # index into DocRecord.sentences -> mentions
    inside: dict[str, int]  # longer key around it in the same text -> mentions
    # (role rank, segment index, start, end) of the mention to quote: the smallest wins.
    example: tuple[int, int, int, int]

    @property
    def mentions(self) -> int:
        return sum(self.roles.values())


@dataclass
class DocRecord:
    """A document's extraction: its phrases and the hashes of its long sentences."""

    has_text: bool  # any customer text at all (counts towards its account's documents)
    sentences: list[int] = field(default_factory=list)  # 64-bit hashes
    phrases: list[PhraseRecord] = field(default_factory=list)


def settings_fingerprint(vocabulary: VocabularyConfig, company: CompanyConfig) -> str:
    """Everything a document's records depend on besides its text: the extraction settings,
    the extractor's own code and the versions of the NLP packages and word lists."""
    settings = {k: v for k, v in asdict(vocabulary).items() if k not in _AGGREGATION_ONLY}
    h = hashlib.blake2b(digest_size=16)
    h.update(json.dumps([settings, asdict(company)], sort_keys=True, default=str).encode())
    for path in sorted(Path(__file__).parent.glob("*.py")):
        h.update(path.name.encode() + b"\0" + path.read_bytes())
    models = sorted({*_PACKAGES, *vocabulary.spacy_models.values()})
    for name in models:
        try:
            version = importlib.metadata.version(name)
        except importlib.metadata.PackageNotFoundError:
            version = "-"
        h.update(f"{name}={version}\0".encode())
    return h.hexdigest()


def customer_segments(doc: Document, paraphrase_weight: float) -> list[tuple[int, str]]:
    """(segment index, role) of the segments that count as customer vocabulary."""
    out = []
    for i, seg in enumerate(doc.segments):
        if seg.role == "rep" or not seg.text.strip():
            continue
        if seg.role == "customer" or paraphrase_weight > 0:
            out.append((i, "customer" if seg.role == "customer" else "unknown"))
    return out


def extract_records(
    docs: Sequence[Document], extractor: PhraseExtractor, vocabulary: VocabularyConfig
) -> list[DocRecord]:
    """One record per document, in order; the extractor sees all their texts in one pipe."""
    segments = [customer_segments(d, vocabulary.paraphrase_weight) for d in docs]
    items = (
        (d.segments[i].text, d.language)
        for d, segs in zip(docs, segments, strict=True)
        for i, _ in segs
    )
    phrases = extractor.pipe(items)
    out = []
    for doc, segs in zip(docs, segments, strict=True):
        builder = _RecordBuilder()
        for seg_index, role in segs:
            builder.add(doc.segments[seg_index].text, seg_index, role, next(phrases))
        out.append(builder.record(has_text=bool(segs)))
    return out


class _RecordBuilder:
    def __init__(self) -> None:
        self.by_key: dict[str, PhraseRecord] = {}
        self.sentence_index: dict[str, int] = {}

    def add(self, text: str, seg_index: int, role: str, phrases) -> None:
        bounds = sentence_bounds(text) if phrases else []
        rank = ROLE_RANK[role]
        sentence_ids: dict[int, int | None] = {}  # sentence start -> id (None: too short)
        for p, outer in zip(phrases, _containers(phrases), strict=True):
            rec = self.by_key.get(p.key)
            if rec is None:
                rec = self.by_key[p.key] = PhraseRecord(
                    p.key, {}, {}, {}, {}, {}, (rank, seg_index, p.start, p.end)
                )
            rec.roles[role] = rec.roles.get(role, 0) + 1
            surface = " ".join(p.surface.split())
            rec.surfaces[surface] = rec.surfaces.get(surface, 0) + 1
            rec.kinds[p.kind] = rec.kinds.get(p.kind, 0) + 1
            s_start, s_end = sentence_around(bounds, p.start, len(text))
            if s_start in sentence_ids:
                sid = sentence_ids[s_start]
            else:
                sid = sentence_ids[s_start] = self._sentence_id(text[s_start:s_end])
            if sid is not None:
                rec.sentences[sid] = rec.sentences.get(sid, 0) + 1
            # Same rank order as one pass over the document: role first, then position.
            if (rank, p.start) < (rec.example[0], rec.example[2]):
                rec.example = (rank, seg_index, p.start, p.end)
            for key in outer:
                rec.inside[key] = rec.inside.get(key, 0) + 1

    def _sentence_id(self, raw: str) -> int | None:
        """The document's id for a sentence long enough to be a template, else None."""
        words = raw.lower().split()
        if len(words) < TEMPLATE_MIN_WORDS:
            return None
        digest = _sentence_hash(" ".join(words))
        return self.sentence_index.setdefault(digest, len(self.sentence_index))

    def record(self, has_text: bool) -> DocRecord:
        return DocRecord(has_text, list(self.sentence_index), list(self.by_key.values()))


def _sentence_hash(sentence: str) -> int:
    """64 bits: collisions are negligible at any corpus size this tool sees, and the month
    counts millions of these in a numpy array."""
    return int.from_bytes(hashlib.blake2b(sentence.encode(), digest_size=8).digest(), "little")


def _containers(phrases) -> list[set[str]]:
    """For each phrase, the keys of the longer phrases around it in the same text."""
    found: list[set[str]] = [set() for _ in phrases]
    for i, p in enumerate(phrases):  # sorted by start, then end
        j = i - 1
        while j >= 0 and phrases[j].start >= p.start - NESTED_WINDOW:
            q = phrases[j]
            if q.end >= p.end and q.key != p.key:
                found[i].add(q.key)
            j -= 1
        j = i + 1
        while j < len(phrases) and phrases[j].start == p.start:
            q = phrases[j]
            if q.end > p.end and q.key != p.key:
                found[i].add(q.key)
            j += 1
    return found


def sentence_bounds(text: str) -> list[int]:
    """Start offsets of the sentences in a text."""
    return [0] + [m.end() for m in _SENTENCE_END.finditer(text)]


def sentence_around(bounds: list[int], pos: int, length: int) -> tuple[int, int]:
    """The (start, end) of the sentence holding character ``pos``."""
    i = bisect.bisect_right(bounds, pos) - 1
    return bounds[i], bounds[i + 1] if i + 1 < len(bounds) else length


# ------------------------------------------------------------------------ serialisation
def pack(record: DocRecord) -> tuple[bytes, bytes]:
    """Compact bytes for the store (msgpack: reading them back runs no code): a small head
    (has_text, sentence hashes) for the month's first pass, and the phrases."""
    head = msgpack.packb([int(record.has_text), record.sentences])
    phrases = [
        [p.key, p.roles, p.surfaces, p.kinds, p.sentences, p.inside, list(p.example)]
        for p in record.phrases
    ]
    return head, msgpack.packb(phrases, use_bin_type=True)


def unpack(head: bytes, phrases: bytes | None) -> DocRecord:
    """The record from its bytes; without ``phrases`` only the head (first pass)."""
    has_text, sentences = msgpack.unpackb(head)
    rows = msgpack.unpackb(phrases, raw=False, strict_map_key=False) if phrases else []
    return DocRecord(
        bool(has_text),
        sentences,
        [PhraseRecord(k, r, s, kd, st, ins, tuple(ex)) for k, r, s, kd, st, ins, ex in rows],
    )
