"""Dates as sales material writes them: 14.09.2026, 2026-09-14, 9/14/2026, 14. September 2026.

The document's own date decides which report months count it, so we parse the common German
and English spellings and return None rather than guess wildly.
"""

from __future__ import annotations

import re
from datetime import date, datetime
from email.utils import parsedate_to_datetime

_MONTHS = {
    "jan": 1, "januar": 1, "january": 1, "jän": 1, "jänner": 1,
    "feb": 2, "februar": 2, "february": 2,
    "mär": 3, "märz": 3, "mrz": 3, "mar": 3, "march": 3, "maerz": 3,
    "apr": 4, "april": 4,
    "mai": 5, "may": 5,
    "jun": 6, "juni": 6, "june": 6,
    "jul": 7, "juli": 7, "july": 7,
    "aug": 8, "august": 8,
    "sep": 9, "sept": 9, "september": 9,
    "okt": 10, "oct": 10, "oktober": 10, "october": 10,
    "nov": 11, "november": 11,
    "dez": 12, "dec": 12, "dezember": 12, "december": 12,
}  # fmt: skip

_ISO = re.compile(r"(?<!\d)(\d{4})-(\d{1,2})-(\d{1,2})(?!\d)")
_DOTTED = re.compile(r"(?<!\d)(\d{1,2})\.\s?(\d{1,2})\.\s?(\d{4}|\d{2})(?!\d)")
_SLASH = re.compile(r"(?<!\d)(\d{1,2})/(\d{1,2})/(\d{4}|\d{2})(?!\d)")
_WORDY_DMY = re.compile(r"(?<!\d)(\d{1,2})\.?\s+([A-Za-zäÄ]{3,9})\.?\s+(\d{4})(?!\d)")
_WORDY_MDY = re.compile(r"\b([A-Za-z]{3,9})\.?\s+(\d{1,2})(?:st|nd|rd|th)?,?\s+(\d{4})(?!\d)")
_COMPACT = re.compile(r"(?<!\d)(20\d{2})(\d{2})(\d{2})(?!\d)")


def _make(y: int, m: int, d: int) -> date | None:
    if y < 100:
        y += 2000
    try:
        value = date(y, m, d)
    except ValueError:
        return None
    return value if 1990 <= value.year <= 2100 else None


def parse_date(text: str, *, day_first: bool = True) -> date | None:
    """The first date found in ``text``; ``day_first`` decides ambiguous 03/04/2026."""
    text = str(text).strip()
    if not text:
        return None
    m = _ISO.search(text)
    if m:
        return _make(int(m[1]), int(m[2]), int(m[3]))
    m = _DOTTED.search(text)
    if m:
        return _make(int(m[3]), int(m[2]), int(m[1]))
    m = _SLASH.search(text)
    if m:
        a, b, y = int(m[1]), int(m[2]), int(m[3])
        if a > 12 or (day_first and b <= 12):
            return _make(y, b, a)
        return _make(y, a, b)
    m = _WORDY_DMY.search(text)
    if m and m[2].lower() in _MONTHS:
        return _make(int(m[3]), _MONTHS[m[2].lower()], int(m[1]))
    m = _WORDY_MDY.search(text)
    if m and m[1].lower() in _MONTHS:
        return _make(int(m[3]), _MONTHS[m[1].lower()], int(m[2]))
    if "," in text or re.search(r"\d{1,2}:\d{2}", text):
        try:  # RFC 2822, as in email Date headers
            return parsedate_to_datetime(text).date()
        except (TypeError, ValueError, IndexError):
            pass
    return None


def date_from_filename(name: str) -> date | None:
    """A date in a file name: 2026-09-14_call.txt, 14.09.2026 Müller.md, 20260914-notes.txt."""
    found = parse_date(name.replace("_", " "))
    if found:
        return found
    m = _COMPACT.search(name)
    return _make(int(m[1]), int(m[2]), int(m[3])) if m else None


def to_date(value) -> date | None:
    """Spreadsheet cell (datetime, date, Excel text) -> date."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if value is None:
        return None
    return parse_date(str(value))
