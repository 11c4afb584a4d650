"""Offline by default: no library may download a model or data at run time.

Applied when the package is imported (``kundensprache/__init__.py``), before any Hugging Face
library reads its settings. A value the user set in the environment wins.
"""

from __future__ import annotations

import os
from collections.abc import MutableMapping

OFFLINE_DEFAULTS = {
    "HF_HUB_OFFLINE": "1",
    "TRANSFORMERS_OFFLINE": "1",
    # Tokenizers' own thread pool fights torch's on a small machine, and warns after a fork.
    "TOKENIZERS_PARALLELISM": "false",
}


def apply_offline_defaults(env: MutableMapping[str, str] = os.environ) -> None:
    for key, value in OFFLINE_DEFAULTS.items():
        env.setdefault(key, value)
