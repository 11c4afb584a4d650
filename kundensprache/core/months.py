"""Report months: one ``Month`` type, the default month, the rolling window of documents.

A month is parsed once, where it enters (CLI, flow parameter, config), into a ``Month``;
everything else works with that or with its ``YYYY-MM`` text.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date, timedelta

from kundensprache.core.errors import InputError

# Search Console data younger than this is not final.
FINAL_AFTER_DAYS = 3
MONTH_RE = re.compile(r"(\d{4})-(0[1-9]|1[0-2])")


class MonthError(InputError):
    """Not a ``YYYY-MM`` month."""


@dataclass(frozen=True, order=True)
class Month:
    year: int
    number: int

    @classmethod
    def parse(cls, text: str | Month) -> Month:
        """``"2026-10"`` -> Month(2026, 10); anything else raises MonthError."""
        if isinstance(text, Month):
            return text
        match = MONTH_RE.fullmatch(text.strip()) if isinstance(text, str) else None
        if not match:
            raise MonthError(f"month {text!r}: expected YYYY-MM, e.g. 2026-10")
        return cls(int(match.group(1)), int(match.group(2)))

    @classmethod
    def of(cls, day: date) -> Month:
        return cls(day.year, day.month)

    def __str__(self) -> str:
        return f"{self.year:04d}-{self.number:02d}"

    @property
    def first_day(self) -> date:
        return date(self.year, self.number, 1)

    @property
    def last_day(self) -> date:
        return date(self.year, self.number, calendar.monthrange(self.year, self.number)[1])

    def shift(self, delta: int) -> Month:
        index = self.year * 12 + (self.number - 1) + delta
        return Month(index // 12, index % 12 + 1)


def month_bounds(month: str | Month) -> tuple[date, date]:
    m = Month.parse(month)
    return m.first_day, m.last_day


def shift_month(month: str | Month, delta: int) -> str:
    return str(Month.parse(month).shift(delta))


def last_complete_month(today: date | None = None) -> str:
    """The latest month whose Search Console figures are final on ``today``.

    Google keeps revising the last ~3 days, so on the 1st to 3rd of a month the month before
    last is the latest complete one.
    """
    today = today or date.today()
    last_of_previous = today.replace(day=1) - timedelta(days=1)
    if today < last_of_previous + timedelta(days=FINAL_AFTER_DAYS):
        last_of_previous = last_of_previous.replace(day=1) - timedelta(days=1)
    return str(Month.of(last_of_previous))


def window(month: str | Month, months: int) -> tuple[date, date]:
    """First and last day of the ``months``-month window ending with ``month``."""
    if months < 1:
        raise ValueError("the window must be at least one month")
    end = Month.parse(month)
    return end.shift(-(months - 1)).first_day, end.last_day
