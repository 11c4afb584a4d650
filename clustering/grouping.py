"""Partition embeddings into groups without being told how many.

How (and why):

1. Neighbours. Each phrase's k nearest phrases by cosine, computed block by block,
   so memory stays O(n * k) and 50,000 phrases never build an n x n matrix.
2. Graph. Two phrases are linked when one is among the other's neighbours; the link weighs how
   many neighbours they share (shared-nearest-neighbour similarity). Shared neighbours are
   robust to encoders whose similarities live on different scales (multilingual USE scores
   everything lower than MiniLM), so no per-model threshold is needed.
3. Communities. Louvain modularity (seeded) splits the graph. Its resolution is not tied to
   the number of phrases (that tuned the granularity to the sizes it was tried on, and merged
   small intents in big sets): it is chosen per run as the one of a grid whose communities
   are best separated (cosine silhouette, on a sample of at most SELECT_SAMPLE phrases,
   carried to the whole set by the size ratio). A few broad topics pick a low resolution,
   many narrow intents a high one. Measured on banking77 subsets of 10, 30 and 77 intents,
   banking77 with only 10 or 20 phrases per intent, and xSID (benchmarks/README.md).
4. Outliers. A phrase fits nowhere when fewer than MIN_INSIDE of its neighbours share its topic,
   or when
   even its nearest neighbour is no closer than phrases usually are to topics they do not
   belong to (``foreign_similarity``: a yardstick that adapts to the encoder's similarity
   scale), or when its group is smaller than ``min_cluster_size``. All go to the outlier group
   (label -1). With ``similarity_threshold`` set, that threshold replaces the yardstick and
   links below it are dropped before the communities are found.

Deterministic: the only random step (Louvain) is seeded; ties are broken by index.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from scipy import sparse
from sklearn.metrics import silhouette_score

# Neighbours per phrase: about sqrt(n)/2, within these bounds. Few for small lists (a topic of
# four queries must not be linked to everything), up to NEIGHBOURS_MAX for big runs.
NEIGHBOURS_MIN = 3
NEIGHBOURS_MAX = 10
BLOCK = 1024  # rows per block of the neighbour search (BLOCK x n floats at a time)
# Louvain resolutions tried (geometric grid); the best separated partition wins. A set of a
# few broad topics picks the low end, many narrow intents the high end.
RESOLUTIONS = (1.0, 1.5, 2.25, 3.4, 5.0, 7.5, 11.0, 17.0)
# The resolution is chosen on a seeded sample of at most this many phrases.
SELECT_SAMPLE = 3000
# Below this many phrases separation scores are too noisy to choose by (and would move
# topics between months): plain modularity.
SELECT_MIN = 100
# Silhouette within this of the best counts as as good (then the fewest topics win).
SILHOUETTE_SLACK = 0.01
# A phrase needs at least this share of its neighbours inside its topic to belong to it.
MIN_INSIDE = 0.2
# A text belongs to a topic when it is closer than this percentile of members are to topics
# they do not belong to (see foreign_similarity).
FOREIGN_PERCENTILE = 95
# A phrase whose nearest neighbour is no closer than this percentile of foreign similarities
# fits nowhere. (90 sent 8 % of xSID's English queries there, three in four of them with a
# query of their own intent as nearest neighbour; 85 sends none, and changes no banking77 set.)
OUTLIER_PERCENTILE = 85
# Below this many phrases neighbourhoods are too small to call anything an outlier by them.
OUTLIER_MIN_N = 30
FOREIGN_SAMPLE = 5000


@dataclass
class Partition:
    labels: np.ndarray  # int per phrase, -1 = outlier, groups numbered 0..k-1
    # Cosine to a topic centroid from which a text counts as belonging (configured or measured).
    threshold: float


def nearest_neighbours(
    x: np.ndarray, k: int, progress: Callable[[str], None] | None = None
) -> tuple[np.ndarray, np.ndarray]:
    """(indices, similarities) of each row's k nearest other rows, blockwise."""
    n = len(x)
    k = min(k, n - 1)
    idx = np.zeros((n, k), dtype=np.int64)
    sim = np.zeros((n, k), dtype=np.float32)
    for start in range(0, n, BLOCK):
        stop = min(start + BLOCK, n)
        s = x[start:stop] @ x.T
        s[np.arange(stop - start), np.arange(start, stop)] = -np.inf  # not your own neighbour
        part = np.argpartition(-s, k - 1, axis=1)[:, :k]
        part_sim = np.take_along_axis(s, part, axis=1)
        # Sort by similarity, then index: a deterministic order for equal similarities.
        order = np.lexsort((part, -part_sim), axis=1)
        idx[start:stop] = np.take_along_axis(part, order, axis=1)
        sim[start:stop] = np.take_along_axis(part_sim, order, axis=1)
        if progress and n > 5 * BLOCK and (start // BLOCK) % 10 == 0:
            progress(f"neighbours {stop}/{n}")
    return idx, sim


def _snn_graph(idx: np.ndarray, sim: np.ndarray, threshold: float | None) -> sparse.csr_matrix:
    """Symmetric kNN graph weighted by the share of neighbours both ends have in common."""
    n, k = idx.shape
    rows = np.repeat(np.arange(n), k)
    cols = idx.ravel()
    keep = np.ones(len(rows), dtype=bool)
    if threshold is not None:
        keep = sim.ravel() >= threshold
    knn = sparse.csr_matrix((np.ones(keep.sum()), (rows[keep], cols[keep])), shape=(n, n))
    # Neighbour sets include the phrase itself, so two mutual neighbours share at least 2.
    member = knn + sparse.identity(n, format="csr")
    shared = (member @ member.T).tocsr()
    links = ((knn + knn.T) > 0).astype(np.float64).tocsr()
    weights = links.multiply(shared) / (k + 1)
    return sparse.csr_matrix(weights)


def _graph(weights: sparse.csr_matrix):
    import networkx as nx

    n = weights.shape[0]
    coo = sparse.triu(weights, k=1).tocoo()
    g = nx.Graph()
    g.add_nodes_from(range(n))
    g.add_weighted_edges_from(
        zip(coo.row.tolist(), coo.col.tolist(), coo.data.tolist(), strict=True)
    )
    return g


def _louvain(g, n: int, resolution: float, seed: int) -> np.ndarray:
    import networkx as nx

    communities = nx.community.louvain_communities(
        g, weight="weight", resolution=resolution, seed=seed
    )
    labels = np.full(n, -1, dtype=np.int64)
    for c, members in enumerate(sorted(communities, key=min)):
        labels[list(members)] = c
    return labels


def choose_resolution(x: np.ndarray, k: int, seed: int) -> float:
    """The Louvain resolution whose communities are best separated (cosine silhouette) on
    these phrases: the data's diversity sets the number of topics, not its size.

    Picked from a geometric grid on a seeded sample of at most SELECT_SAMPLE phrases. On a
    k-nearest-neighbour graph modularity with resolution r behaves like a density threshold
    of about r * k / n, so the choice is carried to the whole set as r * n / sample size.
    """
    n = len(x)
    if n < SELECT_MIN:
        return RESOLUTIONS[0]
    sample = np.arange(n)
    if n > SELECT_SAMPLE:
        sample = np.sort(np.random.default_rng(seed).permutation(n)[:SELECT_SAMPLE])
    xs = x[sample]
    idx, sim = nearest_neighbours(xs, k)
    g = _graph(_snn_graph(idx, sim, None))
    scores = []
    for r in RESOLUTIONS:
        labels = _louvain(g, len(xs), r, seed)
        if 2 <= len(set(labels.tolist())) < len(xs):
            scores.append((r, round(float(silhouette_score(xs, labels, metric="cosine")), 6)))
    if not scores:
        return RESOLUTIONS[0]
    top = max(score for _, score in scores)
    # The coarsest partition about as well separated as the best: silhouette creeps up with
    # ever finer splits of one intent, so near-ties go to fewer topics.
    best = min(r for r, score in scores if score >= top - SILHOUETTE_SLACK)
    return best * max(1.0, n / len(xs))


def partition(
    embeddings: np.ndarray,
    *,
    similarity_threshold: float | None = None,
    min_cluster_size: int = 2,
    seed: int = 42,
    progress: Callable[[str], None] | None = None,
) -> Partition:
    """Group L2-normalised rows; see the module docstring for the method."""
    n = len(embeddings)
    if n == 0:
        return Partition(np.zeros(0, dtype=np.int64), 0.5)
    if n == 1:
        return Partition(np.array([0 if min_cluster_size <= 1 else -1]), 0.5)
    x = np.asarray(embeddings, dtype=np.float32)
    k = int(np.clip(round(np.sqrt(n) / 2), NEIGHBOURS_MIN, NEIGHBOURS_MAX))
    idx, sim = nearest_neighbours(x, k, progress)
    if progress:
        progress(f"topics among {n} phrases")
    res = choose_resolution(x, k, seed)
    labels = _louvain(_graph(_snn_graph(idx, sim, similarity_threshold)), n, res, seed)
    # Phrases whose neighbours mostly sit in other topics fit nowhere.
    if n >= OUTLIER_MIN_N:
        inside = (labels[idx] == labels[:, None]).mean(axis=1)
        labels = np.where(inside >= MIN_INSIDE, labels, -1)
    threshold = similarity_threshold
    if threshold is None and n >= OUTLIER_MIN_N:
        threshold = foreign_similarity(x, labels, seed, OUTLIER_PERCENTILE)
    if threshold is not None:
        # Nor do phrases whose nearest neighbour is no closer than that.
        labels = np.where(sim[:, 0] >= threshold, labels, -1)
    labels = _renumber(labels, min_cluster_size)
    if similarity_threshold is None:
        threshold = foreign_similarity(x, labels, seed, FOREIGN_PERCENTILE)
    return Partition(labels, 0.5 if threshold is None else float(threshold))


def foreign_similarity(
    x: np.ndarray, labels: np.ndarray, seed: int, percentile: float = 95
) -> float | None:
    """How close phrases get to topics they do NOT belong to (the FOREIGN_PERCENTILE-th
    percentile of member-to-other-centroid cosine, on a seeded sample of members).

    Above this, closeness means something for this encoder and these data: a yardstick that
    adapts to each model's similarity scale. None when there are fewer than two topics.
    """
    valid = np.flatnonzero(labels >= 0)
    k = int(labels.max(initial=-1)) + 1
    if k < 2:
        return None
    cents = np.zeros((k, x.shape[1]), dtype=np.float64)
    np.add.at(cents, labels[valid], x[valid])
    cents /= np.maximum(np.linalg.norm(cents, axis=1, keepdims=True), 1e-12)
    rng = np.random.default_rng(seed)
    sample = np.sort(rng.permutation(valid)[:FOREIGN_SAMPLE])
    sims = x[sample] @ cents.T
    sims[np.arange(len(sample)), labels[sample]] = np.nan  # own topic does not count
    return float(np.nanpercentile(sims, percentile))


def _renumber(labels: np.ndarray, min_cluster_size: int) -> np.ndarray:
    """Small groups -> -1; the rest numbered 0..k-1 by first appearance (deterministic)."""
    out = np.full(len(labels), -1, dtype=np.int64)
    valid = labels >= 0
    if not valid.any():
        return out
    counts = np.bincount(labels[valid])
    mapping: dict[int, int] = {}
    for i, label in enumerate(labels):
        if label < 0 or counts[label] < max(1, min_cluster_size):
            continue
        if label not in mapping:
            mapping[label] = len(mapping)
        out[i] = mapping[label]
    return out
