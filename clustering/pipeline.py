"""The calls the monthly flow makes: embed (cached) with the right model per language, cluster,
and put Search Console queries into the same topics.

Languages whose configured model is the same share one embedding space and are clustered
together (with a multilingual model, a German and an English phrase about the same thing can
land in one topic). Languages with different models are clustered apart: vectors of two models
are not comparable, so mixing them in one clustering would be meaningless.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np

from kundensprache.clustering.embed import EmbeddingCache, embed_texts
from kundensprache.clustering.encoders import Encoder, load_encoder
from kundensprache.clustering.topics import Clustering, assign_to_topics, build_clustering
from kundensprache.core.config import Config
from kundensprache.core.language_codes import primary_language
from kundensprache.core.models import KnownCluster

Progress = Callable[[int, int], None]


def model_for(language: str, config: Config) -> str:
    """The encoder spec for a language: its entry in ``embedding.models``, else ``model``."""
    models = {primary_language(k): v for k, v in config.embedding.models.items()}
    return models.get(primary_language(language), config.embedding.model)


def _by_model(languages: Sequence[str], config: Config) -> dict[str, list[int]]:
    groups: dict[str, list[int]] = {}
    for i, lang in enumerate(languages):
        groups.setdefault(model_for(lang, config), []).append(i)
    return dict(sorted(groups.items()))


def embed_and_cluster(
    texts: list[str],
    languages: list[str],
    *,
    config: Config,
    cache: EmbeddingCache | None = None,
    weights: Sequence[float] | None = None,
    previous: Sequence[KnownCluster] = (),
    taken_ids: set[str] | frozenset[str] = frozenset(),
    progress: Progress | None = None,
    log: Callable[[str], None] | None = None,
) -> tuple[Clustering, dict[str, Encoder]]:
    """Embed each text with its language's model (cache first), cluster, give stable ids.

    Returns the clustering and the encoder used per language (for ``assign_texts``).
    ``progress(done, total)`` counts texts encoded, per model; ``log(message)`` reports the
    clustering steps of long runs (e.g. "neighbours 10240/50000").
    """
    if len(texts) != len(languages):
        raise ValueError(f"embed_and_cluster: {len(texts)} texts but {len(languages)} languages")
    groups = []
    encoders: dict[str, Encoder] = {}
    for spec, indices in _by_model(languages, config).items():
        encoder = load_encoder(spec)
        for i in indices:
            encoders.setdefault(languages[i], encoder)
        emb = embed_texts(
            [texts[i] for i in indices],
            encoder,
            cache=cache,
            batch_size=config.embedding.batch_size,
            progress=progress,
        )
        groups.append((np.asarray(indices), emb, encoder.name))
    clustering = build_clustering(
        texts,
        groups,
        weights=weights,
        previous=previous,
        taken_ids=taken_ids,
        config=config.clustering,
        progress=log,
    )
    return clustering, encoders


def assign_texts(
    texts: list[str],
    languages: list[str],
    clustering: Clustering,
    *,
    config: Config,
    cache: EmbeddingCache | None = None,
    min_similarity: float | None = None,
) -> list[str | None]:
    """Topic id (or None) for extra texts such as Search Console queries, same order.

    Each text is embedded with its language's model and compared with the topics of that
    model's space only.
    """
    if len(texts) != len(languages):
        raise ValueError(f"assign_texts: {len(texts)} texts but {len(languages)} languages")
    result: list[str | None] = [None] * len(texts)
    for spec, indices in _by_model(languages, config).items():
        encoder = load_encoder(spec)
        if not any(t.space == encoder.name for t in clustering.topics if not t.is_outlier):
            continue  # no topic in this space: nothing to assign to (and nothing to encode)
        emb = embed_texts(
            [texts[i] for i in indices],
            encoder,
            cache=cache,
            batch_size=config.embedding.batch_size,
        )
        for i, cluster_id in zip(
            indices,
            assign_to_topics(emb, clustering, min_similarity, space=encoder.name),
            strict=True,
        ):
            result[i] = cluster_id
    return result
