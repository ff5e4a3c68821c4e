"""The workspace scan: which Python files of the workspace folders to check at start-up.

Only files that import spmd_types are checked (the others cannot produce a
diagnostic); virtual environments, caches and version-control folders are
skipped, and so are the files ``[tool.spmd-check] exclude`` names.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable, Iterator
from pathlib import Path

from spmd_check.config import Config

MAX_FILES = 5000
MAX_BYTES = 2_000_000
_SKIP_DIRS = {
    ".git",
    ".hg",
    ".svn",
    "__pycache__",
    "node_modules",
    ".venv",
    "venv",
    ".tox",
    ".nox",
    ".mypy_cache",
    ".ruff_cache",
    ".pytest_cache",
    "build",
    "dist",
    "site-packages",
    ".eggs",
}
_IMPORTS_SPMD = re.compile(r"^\s*(?:from|import)\s+spmd_types\b", re.MULTILINE)


def imports_spmd_types(text: str) -> bool:
    return bool(_IMPORTS_SPMD.search(text))


def excluded(path: str, config: Config) -> bool:
    """Whether ``exclude`` names the file (the checker's rule, ``Config.is_excluded``, with
    globs relative to the folder of the pyproject.toml they came from)."""
    if not config.exclude:
        return False
    source = config.source or ""
    root = Path(source).parent if source.endswith(".toml") else None
    try:
        return config.is_excluded(path, root)
    except (OSError, ValueError):
        return False


def _walk(root: str) -> Iterator[str]:
    for folder, dirs, files in os.walk(root):
        dirs[:] = sorted(
            d
            for d in dirs
            if d not in _SKIP_DIRS
            and not d.endswith(".egg-info")
            and not os.path.exists(os.path.join(folder, d, "pyvenv.cfg"))
        )
        for name in sorted(files):
            if name.endswith((".py", ".pyi")):
                yield os.path.join(folder, name)


def find_files(roots: Iterable[str], limit: int = MAX_FILES) -> list[tuple[str, str]]:
    """(path, text) of the workspace's files that import spmd_types, at most ``limit``."""
    found: list[tuple[str, str]] = []
    seen: set[str] = set()
    for root in roots:
        if not os.path.isdir(root):
            continue
        for path in _walk(root):
            real = os.path.realpath(path)
            if real in seen:
                continue
            seen.add(real)
            try:
                if os.path.getsize(path) > MAX_BYTES:
                    continue
                with open(path, encoding="utf-8", errors="replace", newline="") as handle:
                    text = handle.read()
            except OSError:
                continue
            if imports_spmd_types(text):
                found.append((path, text))
                if len(found) >= limit:
                    return found
    return found
