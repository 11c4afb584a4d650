"""The one exception readers raise for bad input; read_file turns it into a report row."""

from kundensprache.core.errors import InputError


class Rejected(InputError):
    """The file cannot be ingested; the message is the reason shown in ingest_report.csv."""
