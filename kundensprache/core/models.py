"""Plain data passed between the pipeline stages.

Every stage (ingest, extractors, clustering, search_console, matching, reports) takes and
returns these, so each can be called and tested without Prefect or the store.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from kundensprache.core.sources import ROLES, SOURCES  # noqa: F401 (one table: core.sources)

FILE_STATUSES = ("accepted", "duplicate", "rejected")


@dataclass(frozen=True)
class Segment:
    """A stretch of text by one speaker. ``text`` is already redacted.

    role: ``customer`` (the customer's own words), ``rep`` (our side: never customer
    vocabulary) or ``unknown`` (e.g. a rep's note about the customer: counts, but less).
    """

    role: str
    text: str


@dataclass
class Document:
    """One note, email or call, redacted, split into speaker segments."""

    doc_id: str  # content hash (sha256 hex of source + normalised text): dedupe key
    source: str  # one of SOURCES
    file: str  # path of the input file, relative to the inbox where possible
    account: str | None  # customer account/company; None when unknown
    date: date | None  # the document's own date, else the file's modification date
    language: str  # "de", "en", other ISO code, or "und"
    segments: list[Segment]
    title: str = ""  # subject line / note title, redacted
    # keyed hashes of the person-name words redaction found (person_names.name_keys): kept
    # in the store apart from the document, for the output gate; not part of its identity
    name_keys: tuple[str, ...] = field(default=(), compare=False, repr=False)

    def customer_text(self) -> str:
        return "\n".join(s.text for s in self.segments if s.role != "rep")


@dataclass
class FileResult:
    """What ingest made of one input file: one row of ingest_report.csv."""

    file: str
    source: str
    status: str  # accepted | duplicate | rejected
    reason: str = ""  # why rejected/duplicate, or notes such as "3 ragged rows skipped"
    sha256: str = ""
    documents: list[Document] = field(default_factory=list)
    # Documents read from the file (incl. ones already stored from another file). Kept when
    # ingest_paths drops ``documents`` after storing them, so results stay small and equal
    # on a re-run.
    document_count: int = 0


@dataclass(frozen=True)
class QueryRow:
    """One Search Console row for the report month (UI export or API)."""

    query: str
    page: str  # "" when the source has no page dimension
    clicks: int
    impressions: int
    ctr: float  # 0..1
    position: float


@dataclass
class Term:
    """A candidate keyword with its corpus statistics (extractor output)."""

    key: str  # normalised lemma key, the identity of the phrase
    keyword: str  # most common surface form
    language: str
    mentions: int
    documents: int
    accounts: int  # distinct accounts; a document without account counts as its own
    sources: dict[str, int]  # mentions per source type
    first_seen: date | None
    last_seen: date | None
    monthly: dict[str, int]  # "YYYY-MM" -> mentions
    example: str  # short redacted customer quote
    relevance: float  # extractor's corpus-level score, higher = more customer-specific
    doc_ids: list[str] = field(default_factory=list)
    flags: list[str] = field(default_factory=list)  # e.g. "brand", "not_on_website"
    # 0.1..1: how far from everyday language the phrase is ("Termin" low, "DATEV-Schnittstelle"
    # high); the score weighs it so generic words do not crowd out real search phrases.
    specificity: float = 1.0


@dataclass(frozen=True)
class KnownCluster:
    """A topic from an earlier run, for stable ids."""

    cluster_id: str
    label: str
    centroid: tuple[float, ...]
    members: tuple[str, ...]  # phrase keys/texts that belonged to it
