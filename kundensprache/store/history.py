"""Search Console figures per month, kept so the report can show history.

Each monthly run stores its month's query figures (a re-run replaces its month); the report
reads them back for the report month and up to 11 months before it and adds them up per topic
of the current run. Topics are looked back through their queries rather than stored by id, so a
topic that was split, merged or renamed since still gets a true history.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Column, Float, Integer, String, Table, Text, select

from kundensprache.store.db import Store
from kundensprache.store.schema import metadata

query_history = Table(
    "query_history",
    metadata,
    Column("month", String(7), primary_key=True),
    Column("query", Text, primary_key=True),
    Column("impressions", Integer, nullable=False),
    Column("clicks", Integer, nullable=False),
    Column("position", Float, nullable=False),
)


@dataclass(frozen=True)
class QueryMonth:
    month: str
    query: str
    impressions: int
    clicks: int
    position: float


def save_query_history(store: Store, month: str, rows: list[QueryMonth]) -> None:
    """Replace the month's figures (re-running a month never duplicates)."""
    query_history.create(store._engine, checkfirst=True)
    with store._engine.begin() as conn:
        conn.execute(query_history.delete().where(query_history.c.month == month))
        if rows:
            conn.execute(query_history.insert(), [{**r.__dict__, "month": month} for r in rows])


def load_query_history(store: Store, months: list[str]) -> list[QueryMonth]:
    """The stored rows of those months, by month, then query."""
    query_history.create(store._engine, checkfirst=True)
    with store._engine.connect() as conn:
        rows = conn.execute(
            select(query_history)
            .where(query_history.c.month.in_(months))
            .order_by(query_history.c.month, query_history.c.query)
        ).all()
    return [QueryMonth(**r._mapping) for r in rows]


def stored_months(store: Store) -> list[str]:
    """Every month with stored figures, oldest first."""
    query_history.create(store._engine, checkfirst=True)
    with store._engine.connect() as conn:
        return list(
            conn.execute(
                select(query_history.c.month).distinct().order_by(query_history.c.month)
            ).scalars()
        )
