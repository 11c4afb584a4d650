"""Finding input files in the inbox, safely."""

from __future__ import annotations

import os
from pathlib import Path

from kundensprache.core.sources import SIDECAR_SUFFIX, SOURCE_FOLDERS


def discover(inbox: Path) -> list[tuple[Path, str]]:
    """(path, source) of every input file under inbox/calls, inbox/crm, inbox/emails.

    Sorted by path, recursive. Skips hidden files and folders, ``*.meta.json`` sidecars and
    everything outside the three source folders (search_console/, website/). Symlinked
    folders are not entered; symlinked files are listed so that read_file can refuse the
    ones pointing outside the inbox with a reason in the report.
    """
    inbox = Path(inbox)
    found: list[tuple[Path, str]] = []
    for source, folder in SOURCE_FOLDERS.items():
        root = inbox / folder
        if not root.is_dir() or root.is_symlink():
            continue
        for dirpath, dirnames, filenames in os.walk(root, followlinks=False):
            dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
            for name in filenames:
                if name.startswith(".") or name.endswith(SIDECAR_SUFFIX):
                    continue
                found.append((Path(dirpath) / name, source))
    return sorted(found, key=lambda item: str(item[0]))


def is_outside(path: Path, inbox: Path) -> bool:
    """True when ``path`` (after following symlinks) does not lie inside ``inbox``."""
    try:
        path.resolve().relative_to(inbox.resolve())
    except ValueError:
        return True
    return False
