"""Bundled sample sales material of a fictional vendor, for `kundensprache demo` and tests."""

from pathlib import Path

SAMPLE_DIR = Path(__file__).resolve().parent
SAMPLE_CONFIG = SAMPLE_DIR / "kundensprache.toml"
# The report month the sample's Search Console export covers.
SAMPLE_MONTH = "2026-10"
# The demo runs the month before first (its own dated export in search_console/2026-09/), so
# the report shows history and what moved.
PREVIOUS_MONTH = "2026-09"
