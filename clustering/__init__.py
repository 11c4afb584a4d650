"""Embeddings and clustering: customer phrases -> topics with readable labels and stable ids."""

from kundensprache.clustering.csv_tool import CsvInputError, cluster_csv
from kundensprache.clustering.embed import embed_texts
from kundensprache.clustering.encoders import Encoder, EncoderError, load_encoder
from kundensprache.clustering.pipeline import assign_texts, embed_and_cluster, model_for
from kundensprache.clustering.stable_ids import OUTLIER_ID
from kundensprache.clustering.topics import (
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
