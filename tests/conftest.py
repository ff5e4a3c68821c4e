"""Every test's runs of spmd-check and spmd-lsp keep their on-disk cache in a temporary
folder of the session, never in the user's cache: ``$SPMD_CHECK_CACHE_DIR`` is set when this
file is imported (before any other conftest builds a server's environment from
``os.environ``) and inherited by the processes the tests start. Tests of the cache itself
set a folder of their own."""

from __future__ import annotations

import os
import shutil
import tempfile

import pytest

# every check a test runs (in this process or a server it starts) recomputes the signatures
# it carried over from the previous check and fails on a stale one (spmd_check.journal)
os.environ["SPMD_CHECK_VERIFY_CARRIED"] = "1"

from spmd_check.diskcache import ENV_DIRECTORY

_CACHE = tempfile.mkdtemp(prefix="spmd-check-test-cache-")
os.environ[ENV_DIRECTORY] = _CACHE


def pytest_unconfigure(config: pytest.Config) -> None:
    shutil.rmtree(_CACHE, ignore_errors=True)


# The case files are data that the checker and the runtime judge read (tests/test_cases.py,
# tests/test_conformance.py), not tests: one named like a pytest module (a case about pytest
# test functions) must not be collected.
collect_ignore = ["cases"]
