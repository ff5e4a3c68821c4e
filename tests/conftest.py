"""Every test's runs of spmd-check and spmd-lsp keep their on-disk cache in a temporary
folder of the session, never in the user's cache (``$SPMD_CHECK_CACHE_DIR`` is inherited
by the processes the tests start). Tests of the cache itself set a folder of their own."""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest
from spmd_check.diskcache import ENV_DIRECTORY


@pytest.fixture(scope="session", autouse=True)
def _session_cache_directory(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    previous = os.environ.get(ENV_DIRECTORY)
    os.environ[ENV_DIRECTORY] = str(tmp_path_factory.mktemp("spmd-check-cache"))
    yield
    if previous is None:
        os.environ.pop(ENV_DIRECTORY, None)
    else:
        os.environ[ENV_DIRECTORY] = previous
