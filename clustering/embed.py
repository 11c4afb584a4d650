"""Embeddings through a cache keyed by (model, text): a monthly re-run encodes new phrases only."""

from __future__ import annotations

from collections.abc import Callable
from typing import Protocol

import numpy as np

from kundensprache.clustering.encoders import Encoder

Progress = Callable[[int, int], None]


class EmbeddingCache(Protocol):
    """What `store.Store` offers; any object with these two methods works."""

    def get_embeddings(self, model: str, texts: list[str]) -> dict[str, np.ndarray]: ...

    def put_embeddings(self, model: str, vectors: dict[str, np.ndarray]) -> None: ...


def embed_texts(
    texts: list[str],
    encoder: Encoder,
    cache: EmbeddingCache | None = None,
    batch_size: int = 64,
    progress: Progress | None = None,
) -> np.ndarray:
    """One float32, L2-normalised row per text (same order); only cache misses are encoded.

    Each batch goes into the cache as soon as it is encoded, so an interrupted run keeps its
    work. ``progress(done, total)`` counts texts to encode (cache hits are not counted).
    """
    texts = [str(t) for t in texts]
    unique = list(dict.fromkeys(texts))
    found: dict[str, np.ndarray] = {}
    if cache is not None and unique:
        found = dict(cache.get_embeddings(encoder.name, unique))
        dims = {v.shape[-1] for v in found.values()}
        if len(dims) > 1:  # a corrupted or mixed cache: trust nothing, re-encode
            found = {}
    missing = [t for t in unique if t not in found]
    batch_size = max(1, int(batch_size))
    if progress is not None:
        progress(0, len(missing))
    for start in range(0, len(missing), batch_size):
        batch = missing[start : start + batch_size]
        vectors = np.asarray(encoder.encode(batch), dtype=np.float32)
        if vectors.shape[0] != len(batch):
            raise RuntimeError(
                f"encoder {encoder.name!r} returned {vectors.shape[0]} vectors for {len(batch)} texts"
            )
        new = {text: vectors[i] for i, text in enumerate(batch)}
        found.update(new)
        if cache is not None:
            cache.put_embeddings(encoder.name, new)
        if progress is not None:
            progress(min(start + batch_size, len(missing)), len(missing))
    if not texts:
        return np.zeros((0, 0), dtype=np.float32)
    out = np.stack([found[t] for t in texts]).astype(np.float32, copy=False)
    norms = np.linalg.norm(out, axis=1, keepdims=True)
    norms[norms == 0] = 1.0
    return out / norms
