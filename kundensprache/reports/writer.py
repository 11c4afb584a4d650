"""Write a month's outputs all at once, or not at all.

Files are written into a hidden temporary folder beside the target and swapped in with
renames, so an interrupted run never leaves half-written CSVs in ``outputs/<YYYY-MM>/`` or
``outputs/latest/``. CSVs are UTF-8, comma-separated, ``\\n`` line ends: byte-identical for the
same inputs. Binary files (the workbook) are given as bytes; a name with ``/`` (``briefs/…``)
goes into a subfolder.
"""

from __future__ import annotations

import csv
import io
import os
import shutil
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path


def csv_text(columns: Sequence[str], rows: Iterable[Mapping[str, str]]) -> str:
    buf = io.StringIO()
    writer = csv.DictWriter(
        buf, fieldnames=list(columns), lineterminator="\n", extrasaction="raise"
    )
    writer.writeheader()
    for row in rows:
        writer.writerow(row)
    return buf.getvalue()


Files = Mapping[str, str | bytes]


def write_month(outputs: Path, month: str, files: Files) -> Path:
    """Write ``files`` (name -> text) as ``outputs/<month>/`` and refresh ``outputs/latest/``."""
    outputs.mkdir(parents=True, exist_ok=True)
    clean_leftovers(outputs)
    final = _replace_dir(outputs, month, files)
    _replace_dir(outputs, "latest", {**files, "MONTH.txt": month + "\n"})
    return final


def clean_leftovers(outputs: Path) -> None:
    """Remove temporary folders an interrupted run left behind."""
    for p in outputs.glob(".*.tmp-*"):
        shutil.rmtree(p, ignore_errors=True)
    for p in outputs.glob(".*.old-*"):
        shutil.rmtree(p, ignore_errors=True)


def _replace_dir(outputs: Path, name: str, files: Files) -> Path:
    tmp = outputs / f".{name}.tmp-{os.getpid()}"
    if tmp.exists():
        shutil.rmtree(tmp)
    tmp.mkdir()
    for fname, content in sorted(files.items()):
        target = tmp / fname
        if tmp.resolve() not in target.resolve().parents:
            raise ValueError(f"output file name {fname!r} leaves the output folder")
        target.parent.mkdir(parents=True, exist_ok=True)
        data = content.encode("utf-8") if isinstance(content, str) else content
        with open(target, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
    final = outputs / name
    if final.exists():
        old = outputs / f".{name}.old-{os.getpid()}"
        final.rename(old)
        tmp.rename(final)
        shutil.rmtree(old, ignore_errors=True)
    else:
        tmp.rename(final)
    return final
