"""Opportunity class, trend and the 0–100 score of each candidate.

The formula is in the README ("How the score works"); keep the two in step.
"""

from __future__ import annotations

import math
import statistics
from collections.abc import Sequence
from dataclasses import dataclass

from kundensprache.core.config import OpportunityConfig
from kundensprache.core.models import Term
from kundensprache.core.months import shift_month
from kundensprache.extractors.ranking import FLAG_FACTOR
from kundensprache.matching.match import Match, QueryStats

# Position buckets for the site's own CTR curve: [low, high).
CTR_BUCKETS = ((1, 2), (2, 3), (3, 4), (4, 6), (6, 8), (8, 11), (11, 15), (15, 21))
# Fallback when the property has too few rows to fit its own curve: a typical organic CTR
# curve (about 28 % at position 1, 9 % at 3, 2.5 % at 10).
DEFAULT_CURVE = (0.28, 1.05)

TREND_WEIGHT = {"rising": 1.0, "new": 0.8, "stable": 0.5, "falling": 0.2}
OPPORTUNITY_BASE = {"gap": 1.0, "striking_distance": 0.75, "low_ctr": 0.6, "covered": 0.15}
OPPORTUNITY_VOLUME = {"gap": 0.0, "striking_distance": 0.25, "low_ctr": 0.25, "covered": 0.0}


@dataclass(frozen=True)
class CtrCurve:
    """Expected CTR at a position: ``a * position ** -b``, fit from the site's own queries."""

    a: float
    b: float
    fitted: bool  # False: too little data, the default curve is used

    def expected(self, position: float) -> float:
        return min(1.0, self.a * max(position, 1.0) ** -self.b)


def fit_ctr_curve(queries: Sequence[QueryStats], min_impressions: int = 20) -> CtrCurve:
    """Fit the property's own CTR-by-position curve.

    Per position bucket, the median CTR of queries with enough impressions (a median, so the
    odd under-performing query does not drag down the very baseline it is judged against);
    then a least-squares line through log(CTR) against log(position), weighted by the number
    of queries per bucket. Needs three usable buckets, else the default curve.
    """
    points = []
    for low, high in CTR_BUCKETS:
        members = [
            q for q in queries if low <= q.position < high and q.impressions >= min_impressions
        ]
        ctrs = [q.ctr for q in members if q.ctr > 0]
        if len(ctrs) >= 2:
            mid = statistics.median(q.position for q in members)
            points.append((math.log(mid), math.log(statistics.median(ctrs)), len(ctrs)))
    if len(points) < 3:
        return CtrCurve(*DEFAULT_CURVE, fitted=False)
    w = sum(p[2] for p in points)
    mx = sum(p[0] * p[2] for p in points) / w
    my = sum(p[1] * p[2] for p in points) / w
    sxx = sum(p[2] * (p[0] - mx) ** 2 for p in points)
    if sxx == 0:
        return CtrCurve(*DEFAULT_CURVE, fitted=False)
    slope = sum(p[2] * (p[0] - mx) * (p[1] - my) for p in points) / sxx
    b = -slope
    if b <= 0:  # CTR not falling with position: data too odd to trust
        return CtrCurve(*DEFAULT_CURVE, fitted=False)
    a = math.exp(my + b * mx)
    return CtrCurve(round(a, 6), round(b, 6), fitted=True)


def classify(match: Match, curve: CtrCurve, cfg: OpportunityConfig) -> str:
    """gap / striking_distance / low_ctr / covered, by the thresholds in the config.

    A phrase the site ranks for beyond ``striking_max_position`` counts as a gap: searchers
    do not see page three.
    """
    position = match.position
    if match.match_type == "none" or position is None or position > cfg.striking_max_position:
        return "gap"
    if position >= cfg.striking_min_position:
        return "striking_distance"
    if (
        match.impressions >= cfg.low_ctr_min_impressions
        and match.ctr < cfg.low_ctr_ratio * curve.expected(position)
    ):
        return "low_ctr"
    return "covered"


def trend_of(term: Term, month: str) -> str:
    """new / rising / stable / falling: the report month against the three months before.

    ``new``: first used in the report month. Otherwise the report month's mentions ``r`` are
    compared with the average ``b`` of the three months before: rising if ``r >= 1.5 b`` and
    ``r >= b + 2``; falling if ``r <= 0.5 b``; else stable.
    """
    if term.first_seen is not None and term.first_seen.strftime("%Y-%m") == month:
        return "new"
    r = term.monthly.get(month, 0)
    b = sum(term.monthly.get(shift_month(month, -i), 0) for i in (1, 2, 3)) / 3
    if r >= 1.5 * b and r >= b + 2:
        return "rising"
    if r <= 0.5 * b:
        return "falling"
    return "stable"


def score(
    term: Term,
    trend: str,
    opportunity: str,
    match: Match,
    *,
    max_accounts: int,
    max_mentions: int,
    max_impressions: int,
) -> float:
    """0–100: customer demand x search opportunity x keyword quality (README: worked example).

    Keyword quality is the extractor's specificity: an everyday word ("Termin") that many
    customers say is still a poor search keyword next to "Schnittstelle zu DATEV". A head
    word (flag ``head``: the head of longer candidates, "CRM") counts half, a phrase only
    reps wrote (``rep_only``) 0.6, rep jargon (``jargon``) a fifth: they never lead the list.
    """
    demand = (
        0.55 * _log_share(term.accounts, max_accounts)
        + 0.30 * _log_share(term.mentions, max_mentions)
        + 0.15 * TREND_WEIGHT[trend]
    )
    volume = _log_share(match.impressions, max_impressions)
    chance = OPPORTUNITY_BASE[opportunity] + OPPORTUNITY_VOLUME[opportunity] * volume
    quality = (0.3 + 0.7 * term.specificity) * _flag_factor(term.flags)
    return round(100.0 * demand * chance * quality, 1)


def _flag_factor(flags: Sequence[str]) -> float:
    factor = 1.0
    for flag in flags:
        factor *= FLAG_FACTOR.get(flag, 1.0)
    return factor


def _log_share(value: int, maximum: int) -> float:
    if maximum <= 0 or value <= 0:
        return 0.0
    return min(1.0, math.log1p(value) / math.log1p(maximum))
