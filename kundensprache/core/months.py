"""Report months: parsing, the default month, the rolling window of documents counted."""

from __future__ import annotations

import calendar
import re
from datetime import date, timedelta

# Search Console data younger than this is not final.
FINAL_AFTER_DAYS = 3
MONTH_RE = re.compile(r"^(\d{4})-(0[1-9]|1[0-2])$")


def parse_month(month: str) -> tuple[int, int]:
    m = MONTH_RE.match(month or "")
    if not m:
        raise ValueError(f"month must look like YYYY-MM (e.g. 2026-10), got {month!r}")
    return int(m.group(1)), int(m.group(2))


def month_bounds(month: str) -> tuple[date, date]:
    year, mon = parse_month(month)
    return date(year, mon, 1), date(year, mon, calendar.monthrange(year, mon)[1])


def shift_month(month: str, delta: int) -> str:
    year, mon = parse_month(month)
    index = year * 12 + (mon - 1) + delta
    return f"{index // 12:04d}-{index % 12 + 1:02d}"


def last_complete_month(today: date | None = None) -> str:
    """The latest month whose Search Console figures are final on ``today``.

    Google keeps revising the last ~3 days, so on the 1st to 3rd of a month the month before
    last is the latest complete one.
    """
    today = today or date.today()
    last_of_previous = today.replace(day=1) - timedelta(days=1)
    if today < last_of_previous + timedelta(days=FINAL_AFTER_DAYS):
        last_of_previous = last_of_previous.replace(day=1) - timedelta(days=1)
    return f"{last_of_previous.year:04d}-{last_of_previous.month:02d}"


def window(month: str, months: int) -> tuple[date, date]:
    """First and last day of the ``months``-month window ending with ``month``."""
    if months < 1:
        raise ValueError("the window must be at least one month")
    start, _ = month_bounds(shift_month(month, -(months - 1)))
    _, end = month_bounds(month)
    return start, end
