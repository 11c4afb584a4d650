"""Kundensprache: customer vocabulary from sales material, as SEO keyword candidates."""

from kundensprache.core.offline import apply_offline_defaults

__version__ = "0.1.0"

apply_offline_defaults()  # before any Hugging Face library reads its settings
