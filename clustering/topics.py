"""Topics: groups of phrases with a readable label and an id that stays across months.

A run partitions the phrases afresh (clustering.grouping), then reconciles with last month's
snapshot, so a topic's history means something:

- ids pass on by member overlap, or by centroid when all old members are gone
  (clustering.stable_ids); new topics get numbers above every id ever given out;
- a new topic that swallowed two old topics still around is split along the old boundary,
  and a part cut out of an old topic that lives on goes back to it: a re-clustering that
  draws one boundary more or less must not hand old phrases new ids;
- a phrase stays in its old topic unless its new topic is clearly closer (STICKY_MARGIN).

Genuinely new topics (made mostly of new phrases) are untouched by these rules.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import numpy as np

from kundensprache.clustering.grouping import partition
from kundensprache.clustering.stable_ids import OUTLIER_ID, format_id, match_ids, next_number
from kundensprache.core.config import ClusteringConfig
from kundensprache.core.models import KnownCluster

OUTLIER_LABEL = "Sonstiges / other"
# A topic none of whose old members are around any more passes its id on only to a topic
# that is nearly the same (centroid cosine at least this).
CENTROID_MATCH = 0.9
# A phrase stays in last month's topic unless its new topic is closer by more than this.
STICKY_MARGIN = 0.05
# Labels: among members this close to the best similarity to the centroid, prefer the one
# customers use most, then the shortest (a marketer scans labels, long sentences hide them).
LABEL_MIN_WEIGHT = 0.2
LABEL_SLACK = 0.03


@dataclass
class Topic:
    cluster_id: str
    label: str
    member_indices: list[int]
    centroid: np.ndarray  # L2-normalised; empty for an outlier group spanning several spaces
    is_outlier: bool
    space: str = ""  # embedding model of the centroid (several when languages use different ones)


@dataclass
class Clustering:
    assignments: list[str]  # cluster_id per input text, same order
    topics: list[Topic]
    # Cosine similarity per embedding space that the clustering used as "belongs to a topic":
    # the default threshold for assign_to_topics.
    thresholds: dict[str, float] = field(default_factory=dict)

    def label_of(self, cluster_id: str) -> str:
        for topic in self.topics:
            if topic.cluster_id == cluster_id:
                return topic.label
        raise KeyError(f"unknown cluster id {cluster_id!r}")

    def topic(self, cluster_id: str) -> Topic:
        for topic in self.topics:
            if topic.cluster_id == cluster_id:
                return topic
        raise KeyError(f"unknown cluster id {cluster_id!r}")

    def snapshot(self, texts: list[str]) -> list[KnownCluster]:
        """What the store keeps for next month's stable ids (member texts and centroids)."""
        if len(texts) != len(self.assignments):
            raise ValueError(
                f"snapshot: {len(texts)} texts for a clustering of {len(self.assignments)}"
            )
        return [
            KnownCluster(
                cluster_id=t.cluster_id,
                label=t.label,
                centroid=tuple(float(v) for v in np.asarray(t.centroid, dtype=np.float32)),
                members=tuple(sorted({texts[i] for i in t.member_indices})),
            )
            for t in self.topics
        ]


@dataclass
class _Draft:
    members: list[int]
    centroid: np.ndarray
    label: str
    space: str


def _centroid(vectors: np.ndarray, weights: np.ndarray) -> np.ndarray:
    c = (vectors * weights[:, None]).sum(axis=0)
    norm = np.linalg.norm(c)
    return (c / norm if norm > 0 else c).astype(np.float32)


def _label(texts: list[str], idx: np.ndarray, sims: np.ndarray, weights: np.ndarray) -> str:
    """Most representative multi-word phrase (a one-word label such as "Büro" names no
    intent) among the members weighing at least LABEL_MIN_WEIGHT of the heaviest (a
    phrase one rep wrote once names no topic): near-best similarity to the centroid, then
    most used, then shortest, then alphabetical (deterministic). No such multi-word member:
    the same among the one-word ones."""
    heaviest = weights[idx].max()
    fit = [k for k in range(len(idx)) if weights[idx[k]] >= LABEL_MIN_WEIGHT * heaviest]
    pool = [k for k in fit if len(texts[idx[k]].split()) > 1] or fit
    best = max(sims[k] for k in pool)
    near = [k for k in pool if sims[k] >= best - LABEL_SLACK]
    k = min(near, key=lambda k: (-weights[idx[k]], len(texts[idx[k]]), texts[idx[k]]))
    return texts[idx[k]].strip()


def _drafts(
    texts: list[str],
    indices: np.ndarray,
    embeddings: np.ndarray,
    weights: np.ndarray,
    space: str,
    config: ClusteringConfig,
    progress: Callable[[str], None] | None,
) -> tuple[list[_Draft], list[int], float]:
    """Topics (without ids) of one embedding space, the outlier indices, the threshold."""
    part = partition(
        embeddings,
        similarity_threshold=config.similarity_threshold,
        min_cluster_size=config.min_cluster_size,
        seed=config.seed,
        progress=progress,
    )
    drafts = []
    for g in range(int(part.labels.max(initial=-1)) + 1):
        local = np.flatnonzero(part.labels == g)
        vecs = embeddings[local]
        centroid = _centroid(vecs, weights[indices[local]])
        global_idx = indices[local]
        label = _label(texts, global_idx, vecs @ centroid, weights)
        drafts.append(_Draft(global_idx.tolist(), centroid, label, space))
    outliers = indices[part.labels < 0].tolist()
    return drafts, outliers, part.threshold


def _inherited_ids(
    texts: list[str],
    drafts: list[_Draft],
    outliers: list[int],
    previous: Sequence[KnownCluster],
    config: ClusteringConfig,
) -> list[str | None]:
    """Per draft, the id of the old topic it continues (None: a new topic). Drafts embedded
    in several spaces are matched against old topics of their own dimension."""
    topic_of = {texts[i]: -1 for i in outliers}
    for j, d in enumerate(drafts):
        for i in d.members:
            topic_of[texts[i]] = j
    dims = {len(d.centroid) for d in drafts}
    inherited: list[str | None] = [None] * len(drafts)
    if drafts and len(dims) == 1:
        inherited = match_ids(
            topic_of,
            np.stack([d.centroid for d in drafts]),
            previous,
            min_overlap=config.stable_id_overlap,
            min_centroid_similarity=CENTROID_MATCH,
        )
    elif drafts:  # several spaces: match each against old topics of its own dimension
        for dim in sorted(dims):
            js = [j for j, d in enumerate(drafts) if len(d.centroid) == dim]
            local = {j: k for k, j in enumerate(js)}
            sub = match_ids(
                {t: local.get(j, -1) for t, j in topic_of.items()},
                np.stack([drafts[j].centroid for j in js]),
                [p for p in previous if len(p.centroid) in (0, dim)],
                min_overlap=config.stable_id_overlap,
                min_centroid_similarity=CENTROID_MATCH,
            )
            for j, old_id in zip(js, sub, strict=True):
                if old_id not in inherited:
                    inherited[j] = old_id
    return inherited


def _with_new_ids(inherited: list[str | None], taken: set[str]) -> list[str]:
    """Inherited ids kept; new topics numbered above every id ever given out."""
    used = taken | {OUTLIER_ID}
    number = next_number(used)
    ids: list[str] = []
    for old_id in inherited:
        if old_id is None:
            while format_id(number) in used:
                number += 1
            old_id = format_id(number)
            used.add(old_id)
        ids.append(old_id)
    return ids


def build_clustering(
    texts: list[str],
    groups: Sequence[tuple[np.ndarray, np.ndarray, str]],
    *,
    weights: Sequence[float] | None = None,
    previous: Sequence[KnownCluster] = (),
    taken_ids: set[str] | frozenset[str] = frozenset(),
    config: ClusteringConfig | None = None,
    progress: Callable[[str], None] | None = None,
) -> Clustering:
    """Cluster each (text indices, embeddings, space) group on its own, then give ids jointly.

    Texts embedded by different models live in different spaces and are never compared; their
    topics still share one id sequence and one outlier group.
    """
    config = config or ClusteringConfig()
    n = len(texts)
    w = np.ones(n) if weights is None else np.asarray(list(weights), dtype=np.float64)
    if len(w) != n:
        raise ValueError(f"weights: {len(w)} values for {n} texts")
    w = np.where(np.isfinite(w) & (w > 0), w, 1.0)
    drafts: list[_Draft] = []
    outliers: list[int] = []
    thresholds: dict[str, float] = {}
    for indices, emb, space in groups:
        indices = np.asarray(indices, dtype=np.int64)
        if len(indices) == 0:
            continue
        d, o, threshold = _drafts(texts, indices, emb, w, space, config, progress)
        drafts += d
        outliers += o
        thresholds[space] = threshold
    if previous:
        drafts = _split_merged(texts, groups, w, drafts, previous, config)
    # Deterministic order: biggest topic first, then label.
    drafts.sort(key=lambda d: (-len(d.members), d.label, d.members[0]))

    inherited = _inherited_ids(texts, drafts, outliers, previous, config)
    if previous:
        drafts, inherited = _rejoin_split_parts(texts, groups, w, drafts, inherited, previous)
    ids = _with_new_ids(inherited, set(taken_ids) | {p.cluster_id for p in previous})
    if previous:
        drafts, outliers = _stick_to_previous(
            texts, groups, w, drafts, ids, outliers, previous, thresholds, config
        )
    topics: list[Topic] = []
    assignments = [OUTLIER_ID] * n
    for d, cluster_id in zip(drafts, ids, strict=True):
        if not d.members:
            continue
        topics.append(Topic(cluster_id, d.label, sorted(d.members), d.centroid, False, d.space))
        for i in d.members:
            assignments[i] = cluster_id
    topics.append(_outlier_topic(sorted(outliers), groups))
    return Clustering(assignments=assignments, topics=topics, thresholds=thresholds)


def _vectors(groups) -> dict[int, np.ndarray]:
    out: dict[int, np.ndarray] = {}
    for indices, emb, _space in groups:
        for row, i in enumerate(np.asarray(indices, dtype=np.int64)):
            out[int(i)] = emb[row]
    return out


def _split_merged(texts, groups, weights, drafts, previous, config) -> list[_Draft]:
    """Split a new topic that swallowed two or more old topics that are still around.

    Without this, one of them would lose its id (and its history) only because this month's
    clustering drew one boundary fewer. Old members go back to their old topic's part; other
    members go to the nearest part.
    """
    old_of = {m: p.cluster_id for p in previous if p.cluster_id != OUTLIER_ID for m in p.members}
    present: dict[str, int] = {}
    for t in dict.fromkeys(texts):
        if t in old_of:
            present[old_of[t]] = present.get(old_of[t], 0) + 1
    vectors = None
    out: list[_Draft] = []
    for d in drafts:
        counts: dict[str, int] = {}
        for i in d.members:
            if texts[i] in old_of:
                counts[old_of[texts[i]]] = counts.get(old_of[texts[i]], 0) + 1
        parts = sorted(
            p for p, c in counts.items() if c >= 2 and c / present[p] >= config.stable_id_overlap
        )
        if len(parts) < 2:
            out.append(d)
            continue
        vectors = vectors if vectors is not None else _vectors(groups)
        seeds = {p: [i for i in d.members if old_of.get(texts[i]) == p] for p in parts}
        cents = np.stack(
            [_centroid(np.stack([vectors[i] for i in seeds[p]]), weights[seeds[p]]) for p in parts]
        )
        split: dict[str, list[int]] = {p: [] for p in parts}
        for i in d.members:
            p = old_of.get(texts[i])
            split[p if p in split else parts[int(np.argmax(cents @ vectors[i]))]].append(i)
        for p in parts:
            idx = np.asarray(sorted(split[p]))
            vecs = np.stack([vectors[i] for i in idx])
            centroid = _centroid(vecs, weights[idx])
            label = _label(texts, idx, vecs @ centroid, weights)
            out.append(_Draft(idx.tolist(), centroid, label, d.space))
    return out


def _rejoin_split_parts(texts, groups, weights, drafts, inherited, previous):
    """Put back a new topic made mostly of one old topic's members when that old topic lives on.

    The mirror of _split_merged: a re-clustering that draws one boundary more through an
    existing topic would otherwise hand half of its phrases a new id. A genuinely new topic is
    made mostly of new phrases, so it is not affected.
    """
    old_of = {m: p.cluster_id for p in previous if p.cluster_id != OUTLIER_ID for m in p.members}
    owner = {old_id: j for j, old_id in enumerate(inherited) if old_id is not None}
    into: dict[int, list[int]] = {}
    for j, d in enumerate(drafts):
        if inherited[j] is not None:
            continue
        counts: dict[str, int] = {}
        for i in d.members:
            if texts[i] in old_of:
                counts[old_of[texts[i]]] = counts.get(old_of[texts[i]], 0) + 1
        if not counts:
            continue
        top = min(counts, key=lambda p: (-counts[p], p))
        target = owner.get(top)
        if (
            target is not None
            and counts[top] * 2 > len(d.members)
            and drafts[target].space == d.space
        ):
            into.setdefault(target, []).append(j)
    if not into:
        return drafts, inherited
    vectors = _vectors(groups)
    gone = {j for js in into.values() for j in js}
    out_drafts, out_ids = [], []
    for j, d in enumerate(drafts):
        if j in gone:
            continue
        if j in into:
            idx = np.asarray(sorted(d.members + [i for k in into[j] for i in drafts[k].members]))
            vecs = np.stack([vectors[int(i)] for i in idx])
            centroid = _centroid(vecs, weights[idx])
            d = _Draft(
                idx.tolist(), centroid, _label(texts, idx, vecs @ centroid, weights), d.space
            )
        out_drafts.append(d)
        out_ids.append(inherited[j])
    return out_drafts, out_ids


def _stick_to_previous(
    texts, groups, weights, drafts, ids, outliers, previous, thresholds, config
) -> tuple[list[_Draft], list[int]]:
    """Keep a phrase in last month's topic when that topic lives on and fits about as well.

    Re-clustering from scratch moves borderline phrases between neighbouring topics from one
    month to the next, which makes a topic's history noisy. A phrase goes back to its old topic
    (same id this month) unless its new topic is clearly closer (by more than STICKY_MARGIN
    cosine); an outlier goes back when it is at least as close as the space's threshold.
    """
    old_of = {m: p.cluster_id for p in previous if p.cluster_id != OUTLIER_ID for m in p.members}
    draft_of_id = {cid: j for j, cid in enumerate(ids)}
    where: dict[int, int] = {i: j for j, d in enumerate(drafts) for i in d.members}
    vectors = _vectors(groups)
    moved = set()
    for i in sorted(vectors):
        target = draft_of_id.get(old_of.get(texts[i], ""))
        current = where.get(i)
        if target is None or target == current:
            continue
        d = drafts[target]
        v = vectors[i]
        if len(v) != len(d.centroid):
            continue  # the old topic is in another embedding space now
        s_old = float(v @ d.centroid)
        if current is None:
            keep_new = s_old < thresholds.get(d.space, 1.0)
        else:
            keep_new = float(v @ drafts[current].centroid) - s_old > STICKY_MARGIN
        if keep_new:
            continue
        where[i] = target
        moved.update({target, current})
    if not moved:
        return drafts, outliers
    members: dict[int, list[int]] = {}
    for i, j in where.items():
        members.setdefault(j, []).append(i)
    new_drafts = []
    for j, d in enumerate(drafts):
        m = sorted(members.get(j, []))
        if j in moved and m:
            idx = np.asarray(m)
            vecs = np.stack([vectors[i] for i in m])
            centroid = _centroid(vecs, weights[idx])
            d = _Draft(m, centroid, _label(texts, idx, vecs @ centroid, weights), d.space)
        elif j in moved:
            d = _Draft([], d.centroid, d.label, d.space)
        new_drafts.append(d)
    return new_drafts, sorted(i for i in vectors if i not in where)


def _outlier_topic(members: list[int], groups) -> Topic:
    """The explicit "fits nowhere" group: always listed, fixed id, centroid in its space."""
    spaces = [(idx, emb, space) for idx, emb, space in groups if len(idx)]
    centroid = np.zeros(0, dtype=np.float32)
    space = ""
    if len(spaces) == 1 and members:
        idx, emb, space = spaces[0]
        pos = {int(i): k for k, i in enumerate(idx)}
        centroid = _centroid(emb[[pos[i] for i in members]], np.ones(len(members)))
    return Topic(OUTLIER_ID, OUTLIER_LABEL, members, centroid, True, space)


def cluster_texts(
    texts: list[str],
    embeddings: np.ndarray,
    *,
    weights: Sequence[float] | None = None,
    previous: Sequence[KnownCluster] = (),
    taken_ids: set[str] | frozenset[str] = frozenset(),
    config: ClusteringConfig | None = None,
    space: str = "",
    progress: Callable[[str], None] | None = None,
) -> Clustering:
    """Topics for texts embedded in one space (rows L2-normalised, same order as texts).

    No number of topics needed; deterministic for the same input, previous and taken ids;
    texts that fit nowhere go to the outlier group ``C0000``. ``previous`` (last month's
    snapshot) passes ids on; ``taken_ids`` (every id ever given out) are never reused.
    """
    embeddings = np.asarray(embeddings, dtype=np.float32)
    if len(texts) != len(embeddings):
        raise ValueError(f"cluster_texts: {len(texts)} texts but {len(embeddings)} embeddings")
    return build_clustering(
        texts,
        [(np.arange(len(texts)), embeddings, space)],
        weights=weights,
        previous=previous,
        taken_ids=taken_ids,
        config=config,
        progress=progress,
    )


def assign_to_topics(
    embeddings: np.ndarray,
    clustering: Clustering,
    min_similarity: float | None = None,
    space: str | None = None,
) -> list[str | None]:
    """Nearest topic for each extra text (e.g. a Search Console query), None below threshold.

    Only topics of the same embedding space are candidates: ``space`` names it; without it,
    topics whose centroid has the embeddings' dimension are. The default threshold is the
    similarity the clustering itself used for that space.
    """
    embeddings = np.asarray(embeddings, dtype=np.float32)
    if embeddings.ndim != 2 or len(embeddings) == 0:
        return [None] * len(embeddings)
    dim = embeddings.shape[1]
    candidates = [
        t
        for t in clustering.topics
        if not t.is_outlier and len(t.centroid) == dim and (space is None or t.space == space)
    ]
    if not candidates:
        return [None] * len(embeddings)
    if min_similarity is None:
        spaces = {t.space for t in candidates}
        known = [clustering.thresholds[s] for s in spaces if s in clustering.thresholds]
        min_similarity = min(known) if known else 0.5
    cents = np.stack([t.centroid for t in candidates]).astype(np.float32)
    norms = np.linalg.norm(embeddings, axis=1, keepdims=True)
    sims = (embeddings / np.maximum(norms, 1e-12)) @ cents.T
    best = sims.argmax(axis=1)
    return [
        candidates[b].cluster_id if sims[i, b] >= min_similarity else None
        for i, b in enumerate(best)
    ]
