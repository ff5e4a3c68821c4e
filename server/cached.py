"""Results kept on disk (``spmd_check.diskcache``) in the editor: a document opened with a
text whose stored result is current shows its diagnostics at once, before its check (which
replaces them); the results of checks of texts that are the file on disk (opened, saved,
scanned: not every keystroke) are stored for the next session and for ``spmd-check``.

Only the server's own checker is cached: a scripted one (``SPMD_LSP_ANALYZER``, the
protocol tests') is not the checker whose results the cache holds.
"""

from __future__ import annotations

import asyncio
import functools
import logging
import os
from pathlib import Path
from typing import TYPE_CHECKING

from spmd_check.config import Config
from spmd_check.dependencies import Validator
from spmd_check.diskcache import DiskCache, EntryKey, default_directory
from spmd_check.results import ModuleResult
from spmd_check.workspace import Workspace

from . import publish
from .engine import ENV_ANALYZER, Checked
from .scan import excluded
from .scheduler import Job, Outcome

if TYPE_CHECKING:
    from .server import SpmdServer

log = logging.getLogger(__name__)

_PRUNE_EVERY = 256  # stores between two prunings of the cache folder (the first one too)


@functools.cache
def _disk() -> DiskCache:
    return DiskCache(default_directory())


def _enabled(ls: SpmdServer) -> bool:
    return ls.options.analyzer is None and not os.environ.get(ENV_ANALYZER)


def _lookup(workspace: Workspace, path: str, text: str, config: Config) -> ModuleResult | None:
    try:
        return _disk().load(EntryKey.of(path, text, config), Validator(workspace))
    except Exception:  # the cache is a shortcut: never a reason for a document not to open
        log.exception("reading the cache for %s failed", path)
        return None


async def publish_stored(ls: SpmdServer, uri: str) -> None:
    """Publish the stored result of the document's text, when there is a current one (push
    clients only: a pull client asks for the result of the check)."""
    doc = ls.documents.get(uri)
    if doc is None or not doc.path or ls.pull or not _enabled(ls):
        return
    path, text, version = doc.path, doc.text, doc.version
    config, _ = ls.settings.config_for(path)
    if excluded(path, config):
        return
    result = await asyncio.to_thread(_lookup, ls.engine.workspace, path, text, config)
    if result is None or ls.documents.get(uri) is not doc or doc.version != version:
        return
    lines = doc.lines
    job = Job(uri, version, text, path, lines=lines)
    publish.publish(ls, uri, Outcome(job, Checked(result, config, [], lines), 0.0))


def keep(ls: SpmdServer, job: Job, checked: Checked) -> None:
    """Store a check's result when its text is the file on disk (on the worker thread)."""
    config = checked.config
    if checked.failed or config is None or not _enabled(ls) or not os.path.isabs(job.path):
        return
    try:
        encoded = job.text.encode("utf-8")
        # an edited buffer seldom has the file's size: no need to read the file to tell
        if os.stat(job.path).st_size != len(encoded) or Path(job.path).read_bytes() != encoded:
            return
        disk = _disk()
        if disk.store(EntryKey.of(job.path, job.text, config), checked.result) and (
            disk.stored % _PRUNE_EVERY == 1
        ):
            disk.prune()
    except (OSError, UnicodeError):
        return
    except Exception:
        log.exception("storing the result of %s failed", job.path)
