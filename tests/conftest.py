"""Test-wide settings: offline, no analytics, Prefect state inside the test's own folders."""

import os
import tempfile
from pathlib import Path

import pytest

_PREFECT_HOME = Path(tempfile.mkdtemp(prefix="kundensprache-prefect-"))
os.environ.setdefault("PREFECT_HOME", str(_PREFECT_HOME))
os.environ["PREFECT_SERVER_ANALYTICS_ENABLED"] = "false"
os.environ.pop("PREFECT_API_URL", None)  # use a temporary local server
# Offline defaults (HF_HUB_OFFLINE, ...) come with `import kundensprache` (core/offline.py).
for _key in [k for k in os.environ if k.startswith("KUNDENSPRACHE_") and "__" in k]:
    del os.environ[_key]  # a developer's overrides must not change test results

ARTIFACTS = Path(__file__).resolve().parent.parent / "test-artifacts"


@pytest.fixture(scope="session")
def artifacts_dir() -> Path:
    """Where tests leave files a human may want to look at (screenshots)."""
    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS


@pytest.fixture(scope="session")
def prefect_server():
    """One temporary Prefect server (its own SQLite DB under PREFECT_HOME) for all flow tests."""
    from prefect.testing.utilities import prefect_test_harness

    with prefect_test_harness(server_startup_timeout=120):
        yield


@pytest.fixture(scope="session")
def postgres():
    """One real PostgreSQL server for the session (see postgres_server.py). Skipped where the
    binaries are missing, unless KUNDENSPRACHE_REQUIRE_POSTGRES=1 (CI), where that fails."""
    from postgres_server import find_bindir, postgres_server

    bindir = find_bindir()
    if bindir is None:
        message = (
            "PostgreSQL binaries (initdb, pg_ctl) not found: install Debian's 'postgresql' "
            "package to run the PostgreSQL store tests"
        )
        if os.environ.get("KUNDENSPRACHE_REQUIRE_POSTGRES") == "1":
            pytest.fail(message + " (KUNDENSPRACHE_REQUIRE_POSTGRES=1)")
        pytest.skip(message)
    with postgres_server(bindir) as server:
        yield server


@pytest.fixture(params=["sqlite", "postgresql"])
def store_url(request, tmp_path) -> str:
    """A fresh, empty store: an SQLite file, and a new database on the PostgreSQL server."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'store.sqlite'}"
    return request.getfixturevalue("postgres").create_database()
