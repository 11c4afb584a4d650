"""The number of topics follows the diversity of the phrases, not their number.

Synthetic embeddings (no model, no bench data): the same number of points drawn around few or
many directions on the unit sphere. A granularity tied to the set's size finds about the same
number of topics for both; it must find about as many as there are directions.
"""

from __future__ import annotations

import numpy as np
import pytest
from sklearn.metrics import normalized_mutual_info_score

from kundensprache.clustering.grouping import partition


def intents(n_points: int, n_intents: int, seed: int, spread: float = 0.55) -> tuple:
    rng = np.random.default_rng(seed)
    centres = rng.normal(size=(n_intents, 64))
    centres /= np.linalg.norm(centres, axis=1, keepdims=True)
    gold = np.arange(n_points) % n_intents
    x = centres[gold] + spread * rng.normal(size=(n_points, 64)) / np.sqrt(64)
    return x / np.linalg.norm(x, axis=1, keepdims=True), gold


@pytest.mark.parametrize("n_intents", [10, 40, 120])
def test_topics_follow_the_number_of_intents_at_one_size(n_intents) -> None:
    x, gold = intents(1200, n_intents, seed=n_intents)
    labels = partition(x, seed=42).labels
    found = len(set(labels.tolist()) - {-1})
    assert 0.85 * n_intents <= found <= 1.2 * n_intents, found
    assert normalized_mutual_info_score(gold, labels) > 0.85


def test_same_intents_more_phrases_do_not_multiply_topics() -> None:
    small, _ = intents(400, 20, seed=1)
    large, _ = intents(2400, 20, seed=1)
    n_small = len(set(partition(small, seed=42).labels.tolist()) - {-1})
    n_large = len(set(partition(large, seed=42).labels.tolist()) - {-1})
    assert abs(n_large - n_small) <= 0.3 * 20, (n_small, n_large)
