"""The workspace scan: the Python files of the workspace folders checked at start-up.

Only files that import spmd_types are checked (the others cannot produce a
diagnostic); virtual environments, caches and version-control folders are
skipped, and so are the files ``[tool.spmd-check] exclude`` names. The files
are checked in the background (open documents go first), with progress shown
once the scan takes longer than ``Options.progress_delay``.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import logging
import os
import re
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from lsprotocol import types
from pygls.uris import from_fs_path, to_fs_path
from spmd_check.config import Config

from .scheduler import BACKGROUND, Job

if TYPE_CHECKING:
    from .server import SpmdServer

log = logging.getLogger(__name__)

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


_TOKENS = itertools.count(1)


def roots(ls: SpmdServer) -> list[str]:
    """The workspace folders (or the root path of a client that sends no folders)."""
    found = []
    for folder in ls.workspace.folders.values():
        path = to_fs_path(folder.uri)
        if path:
            found.append(path)
    if not found and ls.workspace.root_path:
        found.append(ls.workspace.root_path)
    return found


async def scan_workspace(ls: SpmdServer) -> None:
    """Check the workspace's files that are not open, in the background."""
    folders = roots(ls)
    if not folders:
        return
    files = await asyncio.to_thread(find_files, folders)
    jobs = []
    for path, text in files:
        uri = from_fs_path(path)
        if not uri or uri in ls.documents:
            continue
        ls.scanned.add(uri)
        job = Job(uri, None, text, path, BACKGROUND)
        ls.scheduler.submit(job, 0)
        jobs.append(job)
    if not jobs:
        return
    waits = [asyncio.ensure_future(ls.scheduler.wait(job.uri)) for job in jobs]
    done, pending = await asyncio.wait(waits, timeout=ls.options.progress_delay)
    if pending and ls.support.work_done_progress:
        await _with_progress(ls, waits, len(done))
    else:
        await asyncio.gather(*waits, return_exceptions=True)
    log.info("workspace scan: %d files checked", len(jobs))


async def _with_progress(ls: SpmdServer, waits: Sequence[asyncio.Future[Any]], done: int) -> None:
    token = f"spmd-lsp-scan-{next(_TOKENS)}"
    total = len(waits)
    try:
        await ls.work_done_progress.create_async(token)
    except Exception as error:
        log.warning("the client refused a progress token: %s", error)
        await asyncio.gather(*waits, return_exceptions=True)
        return
    ls.work_done_progress.begin(
        token,
        types.WorkDoneProgressBegin(
            title="spmd: checking the workspace",
            message=f"{done}/{total} files",
            percentage=done * 100 // total,
        ),
    )
    for future in asyncio.as_completed(waits):
        with contextlib.suppress(Exception):
            await future
        done += 1
        if done % 10 == 0 or done == total:
            ls.work_done_progress.report(
                token,
                types.WorkDoneProgressReport(
                    message=f"{done}/{total} files", percentage=done * 100 // total
                ),
            )
    ls.work_done_progress.end(token, types.WorkDoneProgressEnd(message=f"{total} files checked"))
