"""Task caching: which tasks may reuse an earlier result, and where results are kept.

A task is cached only where its inputs define its result and redoing it costs more than
hashing its inputs (matching). The cache
key is the task's inputs plus a fingerprint of the installed code, so a new version of
Kundensprache never reuses a result of the old one. Results live in the work folder
(``<work>/prefect-results``), next to the store, not in the user's Prefect home.
"""

from __future__ import annotations

import hashlib
from functools import cache
from pathlib import Path

from prefect.cache_policies import CacheKeyFnPolicy, CachePolicy
from prefect.filesystems import LocalFileSystem
from prefect.utilities.hashing import hash_objects

from kundensprache.core.config import Config

RESULTS_FOLDER = "prefect-results"


@cache
def code_fingerprint() -> str:
    """sha256 over every module of the package (paths and bytes), computed once."""
    import kundensprache
    import kundensprache.clustering
    import kundensprache.extractors
    import kundensprache.flows

    digest = hashlib.sha256()
    roots = [
        *kundensprache.__path__,
        *kundensprache.clustering.__path__,
        *kundensprache.extractors.__path__,
        *kundensprache.flows.__path__,
    ]
    for root in sorted(set(roots)):
        for path in sorted(Path(root).rglob("*.py")):
            digest.update(path.relative_to(root).as_posix().encode() + b"\0")
            digest.update(path.read_bytes())
    return digest.hexdigest()


def _inputs_key(_context, parameters: dict) -> str | None:
    """Each input hashed on its own, then the code: a value read back from the cache (an
    upstream cached task's) shares no objects with the other inputs, so hashing them all in
    one pickle would give another key than the freshly computed value did."""
    hashes = [hash_objects(parameters[name]) for name in sorted(parameters)]
    if None in hashes:  # an input that cannot be hashed: no caching
        return None
    return hash_objects(sorted(parameters), hashes, code_fingerprint())


# Same inputs and same code: same result.
PURE: CachePolicy = CacheKeyFnPolicy(cache_key_fn=_inputs_key)


def result_storage(config: Config) -> LocalFileSystem:
    """A LocalFileSystem block for ``<work>/prefect-results``, saved on the Prefect server
    (Prefect needs a saved block for task results) under a name made from the folder."""
    folder = (Path(config.paths.work) / RESULTS_FOLDER).resolve()
    folder.mkdir(parents=True, exist_ok=True)
    name = "kundensprache-results-" + hashlib.sha256(str(folder).encode()).hexdigest()[:12]
    block = LocalFileSystem(basepath=str(folder))
    block.save(name, overwrite=True)
    return block


def cached(task, storage: LocalFileSystem):
    """``task`` with its results persisted in ``storage``, reused for equal inputs."""
    return task.with_options(cache_policy=PURE, persist_result=True, result_storage=storage)
