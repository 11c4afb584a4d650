"""Embeddings and clustering: customer phrases -> topics with readable labels and stable ids."""

from clustering.csv_tool import CsvInputError, cluster_csv
from clustering.embed import embed_texts
from clustering.encoders import Encoder, EncoderError, load_encoder
from clustering.pipeline import assign_texts, embed_and_cluster, model_for
from clustering.stable_ids import OUTLIER_ID
from clustering.topics import (
    OUTLIER_LABEL,
    Clustering,
    Topic,
    assign_to_topics,
    cluster_texts,
)

__all__ = [
    "OUTLIER_ID",
    "OUTLIER_LABEL",
    "Clustering",
    "CsvInputError",
    "Encoder",
    "EncoderError",
    "Topic",
    "assign_texts",
    "assign_to_topics",
    "cluster_csv",
    "cluster_texts",
    "embed_and_cluster",
    "embed_texts",
    "load_encoder",
    "model_for",
]
