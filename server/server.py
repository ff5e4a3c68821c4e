"""The server object: the state the handlers share, and the wiring between its parts.

The handlers themselves are module-level functions under ``requests/`` and
``notifications/``, registered (each guarded) in ``features.py``; what a check sets off is
``checks.py``. No type logic lives in the server: every type question goes to the checker
through ``engine.py``.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import logging
import threading
from collections.abc import Callable, Coroutine
from dataclasses import dataclass
from typing import Any, TypeVar

from lsprotocol import types
from pygls.lsp.server import LanguageServer
from spmd_check.api import CheckerFactory
from spmd_check.results import ModuleResult

from . import __version__, checks, features
from .capabilities import ClientSupport
from .crossfile import CrossFile
from .documents import Documents
from .engine import Checked, Engine
from .memory import IdleCollector
from .messages import Warnings
from .positions import Codec
from .protocol import SpmdProtocol
from .publish import Refresh
from .scheduler import Outcome, Scheduler
from .settings import Settings

log = logging.getLogger(__name__)

R = TypeVar("R")

_CONFIG_WAIT = 2.0  # how long the first check waits for the client's configuration


@dataclass
class Options:
    """What the command line (and tests) can tune."""

    debounce: float = 0.04
    progress_delay: float = 0.5
    request_wait: float = 2.0  # how long code actions / inlay hints wait for the current version
    # a scanned file nobody has open keeps what its next check reuses when its check took at
    # least this long (its analyses are replayed when it is opened); a quicker one is
    # forgotten. In the 100,000-line benchmark workspace, forgetting every scanned file took
    # the server from 380 to 255 MiB after the scan, and opening a scanned file from 3 to 58
    # ms at the median, 122 to 941 ms for the largest; keeping those over 0.2 s: 269 MiB,
    # 42 ms, 118 ms (in process, one run).
    keep_scanned_over: float = 0.2
    # one look at which files exist (and their times) serves the checks of this many seconds,
    # unless the editor says files changed (opened, saved, closed, a watched file): validating
    # a real framework's imports at every keystroke was a fifth of its time (torchtitan)
    disk_trust: float = 1.0
    scan_workspace: bool = True
    analyzer: CheckerFactory | None = None


class SpmdServer(LanguageServer):
    def __init__(self, options: Options | None = None) -> None:
        super().__init__(
            "spmd-lsp",
            __version__,
            text_document_sync_kind=types.TextDocumentSyncKind.Incremental,
            protocol_cls=SpmdProtocol,
        )
        self.options = options or Options()
        self.documents = Documents()
        self.settings = Settings()
        self.engine = Engine(self.options.analyzer, self.options.disk_trust)
        self.scheduler: Scheduler[Checked] = Scheduler(
            functools.partial(checks.work, self),
            functools.partial(checks.finished, self),
            self.options.debounce,
        )
        self.collector = IdleCollector(self.scheduler.busy, self.scheduler.urgent)
        self.crossfile = CrossFile()
        self.codec = Codec()  # the negotiated position encoding, set by initialize
        self.support = ClientSupport()  # what the client can do, set by initialize
        self.warnings = Warnings(self._show_warning)
        self.refresh = Refresh(
            lambda: self.workspace_diagnostic_refresh(None),
            lambda: self.support.diagnostic_refresh,
        )
        self.config_ready = asyncio.Event()  # set once the client's configuration is known
        self.scanned: set[str] = set()  # the files of the workspace scan
        self._background: set[asyncio.Task[Any]] = set()
        self._facts_lock = threading.Lock()  # ModuleResult builds its hover index lazily, unlocked
        features.register(self)

    @property
    def pull(self) -> bool:
        """Whether the client pulls diagnostics (then nothing is pushed)."""
        return self.support.pull_diagnostics

    def report_server_error(self, error: Exception, source: Any) -> None:
        kind = source.__name__ if isinstance(source, type) else source
        log.error("server error (%s): %s", kind, error)

    def warn(self, message: str) -> None:
        """Show a warning once (the same message is not repeated)."""
        self.warnings.warn(message)

    def _show_warning(self, message: str) -> None:
        self.window_show_message(
            types.ShowMessageParams(type=types.MessageType.Warning, message=message)
        )

    def spawn(self, coroutine: Coroutine[Any, Any, Any]) -> None:
        """Run a coroutine in the background (kept referenced until it is done)."""
        task = asyncio.ensure_future(coroutine)
        self._background.add(task)
        task.add_done_callback(self._background.discard)

    async def ready(self) -> None:
        """Wait (a little) for the client's configuration, so the first check uses it."""
        if not self.config_ready.is_set():
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self.config_ready.wait(), _CONFIG_WAIT)

    def facts_of(self, outcome: Outcome[Checked], use: Callable[[ModuleResult], R]) -> R:
        """Run ``use`` on the result's hover facts (never while another thread builds them)."""
        with self._facts_lock:
            return use(outcome.value.result)
