"""The month's output tables in one place: names, columns, the ingest report's rows.

The monthly run (stages.render_outputs: CSVs and workbook sheets), the CLI (``kundensprache
ingest`` prints the ingest report, ``run`` lists the files) and the tests read them from here.
The column order is the interface content teams rely on (see the README).
"""

from __future__ import annotations

from collections.abc import Sequence

from kundensprache.core.models import FileResult
from kundensprache.ingest.redact import redact
from kundensprache.reports.workbook import WORKBOOK_NAME

REPORT_HTML = "report.html"

CANDIDATE_COLUMNS = (
    "keyword",
    "language",
    "cluster_id",
    "cluster_label",
    "mentions",
    "documents",
    "accounts",
    "sources",
    "first_seen",
    "last_seen",
    "trend",
    "gsc_query",
    "match_type",
    "impressions",
    "clicks",
    "ctr",
    "position",
    "top_page",
    "opportunity",
    "score",
    "example",
)
CLUSTER_COLUMNS = (
    "cluster_id",
    "cluster_label",
    "keywords",
    "mentions",
    "documents",
    "accounts",
    "top_keywords",
    "gsc_queries",
    "impressions",
    "clicks",
    "ctr",
    "position",
    "opportunities",
    "top_score",
)
UNMATCHED_COLUMNS = (
    "query",
    "clicks",
    "impressions",
    "ctr",
    "position",
    "top_page",
    "cluster_id",
    "cluster_label",
)
INGEST_COLUMNS = ("file", "source", "status", "documents", "reason")

# Table (CSV file stem, workbook sheet) -> its columns, in the order they are listed.
TABLES = {
    "keyword_candidates": CANDIDATE_COLUMNS,
    "clusters": CLUSTER_COLUMNS,
    "unmatched_queries": UNMATCHED_COLUMNS,
    "ingest_report": INGEST_COLUMNS,
}
CANDIDATES_CSV = "keyword_candidates.csv"
MONTH_FILES = (*(f"{name}.csv" for name in TABLES), WORKBOOK_NAME, REPORT_HTML)


def ingest_report_rows(results: Sequence[FileResult]) -> list[dict[str, str]]:
    """Rows of ingest_report.csv. File names go through redaction too: sales staff name
    files after people ("Anruf Frau Müller.txt") and outputs carry no personal data."""
    rows = []
    for r in results:
        count = r.document_count or len(r.documents)
        rows.append(
            {
                "file": redact(r.file),
                "source": r.source,
                "status": r.status,
                "documents": str(count if r.status == "accepted" else 0),
                "reason": redact(r.reason),
            }
        )
    return rows
