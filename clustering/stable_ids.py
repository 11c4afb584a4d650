"""Topic ids that survive from month to month, and new ids that were never given out before.

A new topic inherits an old topic's id when it holds at least ``min_overlap`` of the old
topic's members that are still around this month (member overlap). When none of an old topic's
members are around any more, a new topic whose centroid is nearly the same (cosine at least
``min_centroid_similarity``, same embedding space) inherits it instead. Each id goes to at most
one topic, strongest claim first, so a topic that split keeps its id in the larger part.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence

import numpy as np

from kundensprache.core.models import KnownCluster

OUTLIER_ID = "C0000"
_ID_PATTERN = re.compile(r"^C(\d+)$")


def format_id(number: int) -> str:
    return f"C{number:04d}"


def next_number(used: set[str]) -> int:
    """1 + the highest number among ids of our format (C0001, ...), at least 1."""
    numbers = [int(m.group(1)) for i in used if (m := _ID_PATTERN.match(i))]
    return max(numbers, default=0) + 1


def match_ids(
    topic_of: dict[str, int],
    centroids: np.ndarray,
    previous: Sequence[KnownCluster],
    *,
    min_overlap: float,
    min_centroid_similarity: float,
) -> list[str | None]:
    """The inherited id (or None) for each new topic 0..len(centroids)-1.

    ``topic_of`` maps every text of this run to its topic index, -1 for the outlier group
    (those texts count as "still around" but belong to no topic).
    """
    n_topics = len(centroids)
    cents = np.asarray(centroids, dtype=np.float64).reshape(n_topics, -1)
    claims: list[tuple[float, int, str, int]] = []
    for old in previous:
        if old.cluster_id == OUTLIER_ID:
            continue
        present = [topic_of[m] for m in dict.fromkeys(old.members) if m in topic_of]
        if present:
            counts = Counter(t for t in present if t >= 0)
            for j, shared in counts.items():
                overlap = shared / len(present)
                if overlap >= min_overlap:
                    claims.append((overlap, shared, old.cluster_id, j))
            continue
        old_centroid = np.asarray(old.centroid, dtype=np.float64)
        norm = np.linalg.norm(old_centroid)
        if n_topics == 0 or norm == 0 or old_centroid.shape[0] != cents.shape[1]:
            continue  # another embedding space (model changed): no centroid comparison
        sims = cents @ old_centroid / (norm * np.maximum(np.linalg.norm(cents, axis=1), 1e-12))
        for j in np.flatnonzero(sims >= min_centroid_similarity):
            claims.append((float(sims[j]) - 1.0, 0, old.cluster_id, int(j)))  # below overlaps
    # Strongest claim first; ties by old id and topic index, so the result is deterministic.
    claims.sort(key=lambda c: (-c[0], -c[1], c[2], c[3]))
    result: list[str | None] = [None] * n_topics
    used: set[str] = set()
    for _, _, old_id, j in claims:
        if result[j] is None and old_id not in used:
            result[j] = old_id
            used.add(old_id)
    return result
