"""Kundensprache: customer vocabulary from sales material, as SEO keyword candidates."""

__version__ = "0.1.0"
