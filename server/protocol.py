"""The server: LSP requests and notifications wired to documents, settings and the scheduler.

No type logic lives here. Every handler is guarded: an exception is logged
and the request still gets an answer (an empty result), a notification is
dropped; a request whose parameters do not parse gets an InvalidParams error.
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import functools
import gc
import inspect
import itertools
import logging
import os
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

from lsprotocol import types
from pygls.exceptions import JsonRpcException
from pygls.lsp.server import LanguageServer
from pygls.protocol import LanguageServerProtocol
from pygls.protocol.language_server import lsp_method
from pygls.uris import from_fs_path, to_fs_path
from spmd_check import policy
from spmd_check.api import CheckerFactory
from spmd_check.results import Diagnostic, ModuleResult

from . import __version__, actions, hover, inlay
from .diagnostics import convert_all
from .documents import Document, Documents
from .engine import Checked, Engine
from .memory import IdleCollector
from .positions import Codec, LineView, split_lines
from .scan import excluded, find_files
from .scheduler import BACKGROUND, OPEN, Job, Outcome, Scheduler, Superseded
from .settings import SECTION, EditorSettings, Settings, parse_editor_settings

log = logging.getLogger(__name__)

F = TypeVar("F", bound=Callable[..., Any])
R = TypeVar("R")
_IGNORED = object()  # a message that failed to parse and has been answered already
_PYTHON_LANGUAGES = {"python", "py", "python3"}
_WARM_DELAY = 0.05  # after a result arrives, wait this long for more typing before indexing it


@dataclass
class Options:
    """What the command line (and tests) can tune."""

    debounce: float = 0.04
    progress_delay: float = 0.5
    request_wait: float = 2.0  # how long code actions / inlay hints wait for the current version
    scan_workspace: bool = True
    analyzer: CheckerFactory | None = None


class SpmdProtocol(LanguageServerProtocol):
    """pygls' protocol, but the server keeps the documents' text itself, and a request whose
    parameters fail to parse is answered with an error instead of being dropped."""

    @lsp_method(types.TEXT_DOCUMENT_DID_OPEN)
    def lsp_text_document__did_open(self, params: types.DidOpenTextDocumentParams) -> Any:
        if (handler := self.fm.features.get(types.TEXT_DOCUMENT_DID_OPEN)) is not None:
            yield handler, (params,), None

    @lsp_method(types.TEXT_DOCUMENT_DID_CHANGE)
    def lsp_text_document__did_change(self, params: types.DidChangeTextDocumentParams) -> Any:
        if (handler := self.fm.features.get(types.TEXT_DOCUMENT_DID_CHANGE)) is not None:
            yield handler, (params,), None

    @lsp_method(types.TEXT_DOCUMENT_DID_CLOSE)
    def lsp_text_document__did_close(self, params: types.DidCloseTextDocumentParams) -> Any:
        if (handler := self.fm.features.get(types.TEXT_DOCUMENT_DID_CLOSE)) is not None:
            yield handler, (params,), None

    def structure_message(self, data: dict[str, Any]) -> Any:
        try:
            return super().structure_message(data)
        except JsonRpcException as error:
            if "id" in data and "method" in data:
                log.warning("invalid parameters for %s: answered with an error", data.get("method"))
                self._send_response(data["id"], None, error.to_response_error())
            else:
                log.warning("invalid notification %s ignored", data.get("method"))
            return _IGNORED

    def handle_message(self, message: Any) -> None:
        if message is _IGNORED:
            return
        super().handle_message(message)


def guard(default: Callable[[], Any] = lambda: None) -> Callable[[F], F]:
    """Log any exception of a handler and answer ``default()`` instead."""

    def decorate(function: F) -> F:
        if inspect.iscoroutinefunction(function):

            @functools.wraps(function)
            async def run_async(*args: Any, **kwargs: Any) -> Any:
                try:
                    return await function(*args, **kwargs)
                except asyncio.CancelledError:
                    raise
                except Exception:
                    log.exception("%s failed", function.__name__)
                    return default()

            return run_async  # type: ignore[return-value]

        @functools.wraps(function)
        def run(*args: Any, **kwargs: Any) -> Any:
            try:
                return function(*args, **kwargs)
            except Exception:
                log.exception("%s failed", function.__name__)
                return default()

        return run  # type: ignore[return-value]

    return decorate


def _result_id(outcome: Outcome[Checked] | None, elsewhere: int = 0) -> str:
    """Equal for equal inputs (text, settings, what other files' checks found in this one), so
    a re-pull can answer "unchanged"."""
    if outcome is None:
        return f"-:{elsewhere}"
    return f"{outcome.version}:{hash((outcome.job.text, outcome.value.config, elsewhere)) & 0xFFFFFFFFFFFF:x}"


@dataclass
class Contribution:
    """Errors one file's check found in another file (``ModuleResult.elsewhere``)."""

    version: int | None  # that other document's version when they were found (None: not open)
    diagnostics: list[Diagnostic]


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
        self.engine = Engine(self.options.analyzer)
        self.scheduler: Scheduler[Checked] = Scheduler(
            self._work, self._on_done, self.options.debounce
        )
        self.codec = Codec()
        self.pull = False
        self.config_ready = asyncio.Event()
        self._shown: set[str] = set()
        self._queued_messages: list[str] = []
        self._initialized = False
        self._tokens = itertools.count(1)
        self._background: set[asyncio.Task[Any]] = set()
        self._scan_uris: set[str] = set()
        # what each file's last check found in other files: source uri -> target uri -> ...
        self._elsewhere: dict[str, dict[str, Contribution]] = {}
        self._elsewhere_epoch: dict[str, int] = {}  # target uri -> changes (for result ids)
        self._refresh_pending = False
        self._facts_lock = threading.Lock()  # ModuleResult builds its hover index lazily, unlocked
        self.collector = IdleCollector(self.scheduler.busy)
        self._register()

    # ------------------------------------------------------------------ helpers

    def report_server_error(self, error: Exception, source: Any) -> None:
        log.error("server error (%s): %s", getattr(source, "__name__", source), error)

    def _capability(self, path: str, default: Any = None) -> Any:
        value: Any = self.client_capabilities
        for part in path.split("."):
            value = getattr(value, part, None)
            if value is None:
                return default
        return value

    def warn(self, message: str) -> None:
        """Show a warning once (the same message is not repeated)."""
        if message in self._shown:
            return
        self._shown.add(message)
        log.warning("%s", message)
        if not self._initialized:
            self._queued_messages.append(message)
            return
        self.window_show_message(
            types.ShowMessageParams(type=types.MessageType.Warning, message=message)
        )

    def _spawn(self, coroutine: Any) -> None:
        task = asyncio.ensure_future(coroutine)
        self._background.add(task)
        task.add_done_callback(self._background.discard)

    @staticmethod
    def _is_python(doc: Document) -> bool:
        path = doc.path or doc.uri
        return doc.language_id in _PYTHON_LANGUAGES or path.endswith((".py", ".pyi"))

    def schedule(self, uri: str, delay: float | None = None, cascade: bool = True) -> None:
        """Queue the document's current text for analysis."""
        doc = self.documents.get(uri)
        if doc is None or not self._is_python(doc):
            return
        if doc.path:
            self.engine.set_document(doc.path, doc.text)
        self.scheduler.submit(
            Job(
                uri, doc.version, doc.text, doc.path or uri, OPEN, cascade=cascade, lines=doc.lines
            ),
            delay,
        )

    def _recheck_dependents(self, job: Job) -> None:
        """The open documents that import this one may read its new text: check them again."""
        for path in self.engine.dependents(job.path):
            uri = from_fs_path(path)
            if uri and uri != job.uri and uri in self.documents:
                self.schedule(uri, cascade=False)

    def _work(self, job: Job) -> Checked:
        """Runs on the worker thread."""
        path = job.path
        config, problems = self.settings.config_for(path if os.path.isabs(path) else None)
        lines = job.lines if job.lines is not None else LineView(job.text)
        if excluded(path, config):
            return Checked(ModuleResult(path), config, problems, lines)
        if self.scheduler.superseded(job):
            raise Superseded()
        result, ok = self.engine.check(
            path, job.text, config, cancelled=lambda: self.scheduler.superseded(job)
        )
        return Checked(result, config, problems, lines, failed=not ok)

    def _on_done(self, outcome: Outcome[Checked]) -> None:
        """A result for the newest submitted version of a document (on the loop)."""
        checked = outcome.value
        for problem in checked.problems:
            self.warn(problem)
        if checked.failed and self.engine.load_error:
            self.warn(self.engine.load_error)
        log.debug("checked %s v%s in %.1f ms", outcome.uri, outcome.version, outcome.elapsed * 1000)
        doc = self.documents.get(outcome.uri)
        if doc is not None:
            if doc.version != outcome.version:
                return  # the document changed meanwhile: never publish for an old version
            doc.forget_before(self._oldest_needed(outcome.uri, outcome.version))
        elif outcome.job.priority != BACKGROUND:
            return  # closed meanwhile
        if not self.pull:
            self.publish(outcome.uri, outcome)
        elif not outcome.job.cascade:
            self.request_refresh()  # re-checked for an import's sake: ask for a pull
        self._record_elsewhere(outcome.uri, checked.result.elsewhere)
        if outcome.job.cascade and outcome.job.priority == OPEN:
            self._recheck_dependents(outcome.job)
        if outcome.job.priority == OPEN:
            asyncio.get_running_loop().call_later(_WARM_DELAY, self._warm, outcome)
        self.collector.touch()

    def _warm(self, outcome: Outcome[Checked]) -> None:
        """Build the result's hover index off the loop (tens of ms on a large file), unless the
        document moved on meanwhile: the first hover then answers at once."""
        if self.scheduler.last(outcome.uri) is not outcome or self.scheduler.pending(outcome.uri):
            return

        def build() -> None:
            with self._facts_lock:
                outcome.value.result.fact_at(0, 0)

        self._spawn(asyncio.to_thread(build))

    def facts_of(self, outcome: Outcome[Checked], use: Callable[[ModuleResult], R]) -> R:
        """Run ``use`` on the result's hover facts (never while another thread builds them)."""
        with self._facts_lock:
            return use(outcome.value.result)

    def publish(self, uri: str, outcome: Outcome[Checked] | None, withdraw: bool = False) -> None:
        """Push the diagnostics of the document's result (with what other files' checks found in
        it); ``withdraw``: an empty list, version None (the document was closed)."""
        items = [] if withdraw else self.lsp_diagnostics(uri, outcome)
        version = None if withdraw or outcome is None else outcome.version
        self.text_document_publish_diagnostics(
            types.PublishDiagnosticsParams(uri=uri, diagnostics=items, version=version)
        )

    # ------------------------------------------------------------------ diagnostics of other files

    def request_refresh(self) -> None:
        """Ask a pull client to pull again (once for everything that changes in 50 ms)."""
        if self._refresh_pending or not self._capability(
            "workspace.diagnostics.refresh_support", False
        ):
            return
        self._refresh_pending = True

        def send() -> None:
            self._refresh_pending = False
            self.workspace_diagnostic_refresh(None)

        asyncio.get_running_loop().call_later(0.05, send)

    def _oldest_needed(self, uri: str, version: int | None) -> int | None:
        """The oldest version of the document whose line numbers are still needed: its own
        result's, or one that another file's errors in it were found against."""
        if version is None:
            return None
        pinned = [
            found[uri].version
            for found in self._elsewhere.values()
            if uri in found and found[uri].version is not None
        ]
        return min([version, *pinned])  # type: ignore[type-var]

    def _record_elsewhere(self, source: str, found: dict[str, list[Diagnostic]]) -> None:
        """Store what a check of ``source`` found in other files, and re-publish those files
        whose share changed (errors found there now, or no longer)."""
        new: dict[str, Contribution] = {}
        for path, diagnostics in found.items():
            uri = from_fs_path(path) if os.path.isabs(path) else None
            if not uri or uri == source or not diagnostics:
                continue
            doc = self.documents.get(uri)
            new[uri] = Contribution(doc.version if doc is not None else None, list(diagnostics))
        old = self._elsewhere.pop(source, {})
        if new:
            self._elsewhere[source] = new
        changed = sorted(
            uri
            for uri in old.keys() | new.keys()
            if uri not in old
            or uri not in new
            or (old[uri].version, old[uri].diagnostics) != (new[uri].version, new[uri].diagnostics)
        )
        for uri in changed:
            self._elsewhere_epoch[uri] = self._elsewhere_epoch.get(uri, 0) + 1
        if not changed:
            return
        if self.pull:
            self.request_refresh()
            return
        for uri in changed:
            doc = self.documents.get(uri)
            last = self.scheduler.last(uri)
            if doc is not None and (last is None or last.version != doc.version):
                continue  # its own check is under way and will publish everything
            self.publish(uri, last)

    def _moved(
        self, doc: Document | None, line: int, found_in: int | None, shown_in: int | None
    ) -> int | None:
        """A line of the text another file's check saw -> the same line in the text shown."""
        if found_in == shown_in:
            return line
        if doc is None or doc.version != shown_in or found_in is None:
            return None  # cannot tell where it went: leave it out until the next check
        return doc.line_from_version(line, found_in)

    def diagnostics_for(
        self, uri: str, outcome: Outcome[Checked] | None
    ) -> tuple[list[Diagnostic], Sequence[str]]:
        """The document's diagnostics for the text of ``outcome`` (or, with no outcome, the
        file as it is): its own, then those other files' checks found in it (the same error
        once; an ``# spmd: ignore`` comment on its line is honoured), and that text's lines."""
        doc = self.documents.get(uri)
        if outcome is not None:
            own, lines, shown_in = (
                list(outcome.value.result.diagnostics),
                outcome.value.lines,
                outcome.version,
            )
        else:
            path = to_fs_path(uri)
            own, shown_in = [], doc.version if doc is not None else None
            lines = (
                doc.lines if doc is not None else (self._lines_for(path) if path else None) or []
            )
        contributed: list[Diagnostic] = []
        for source in sorted(self._elsewhere):
            contribution = self._elsewhere[source].get(uri)
            if contribution is None:
                continue
            for diagnostic in contribution.diagnostics:
                span = diagnostic.span
                start = self._moved(doc, span.line, contribution.version, shown_in)
                end = self._moved(doc, span.end_line, contribution.version, shown_in)
                if start is None or end is None or start >= len(lines):
                    continue
                moved = type(span)(start, span.column, end, span.end_column)
                contributed.append(
                    diagnostic if moved == span else dataclasses.replace(diagnostic, span=moved)
                )
        # the lines may have changed since the other file's check: suppress by the text shown
        return policy.merge(own, contributed, lines), lines

    def lsp_diagnostics(self, uri: str, outcome: Outcome[Checked] | None) -> list[types.Diagnostic]:
        diagnostics, lines = self.diagnostics_for(uri, outcome)
        return convert_all(diagnostics, uri, lines, self.codec, self._lines_for)

    def elsewhere_targets(self) -> set[str]:
        return {uri for found in self._elsewhere.values() for uri in found}

    def _lines_for(self, path: str) -> Sequence[str] | None:
        uri = from_fs_path(path)
        doc = self.documents.get(uri) if uri else None
        if doc is not None:
            return doc.lines
        try:
            with open(path, encoding="utf-8", errors="replace", newline="") as handle:
                return split_lines(handle.read())
        except OSError:
            return None

    async def ready(self) -> None:
        """Wait (a little) for the client's configuration, so the first check uses it."""
        if not self.config_ready.is_set():
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self.config_ready.wait(), 2.0)

    async def current(self, uri: str, wait: float) -> Outcome[Checked] | None:
        """The result for the document's current version if it arrives within ``wait``
        seconds, else the newest completed one."""
        await self.ready()
        doc = self.documents.get(uri)
        last = self.scheduler.last(uri)
        if (
            doc is None
            or (last is not None and last.version == doc.version)
            or not self.scheduler.pending(uri)
        ):
            return last
        try:
            return await asyncio.wait_for(
                asyncio.shield(self.scheduler.wait(uri)), wait
            ) or self.scheduler.last(uri)
        except TimeoutError:
            return self.scheduler.last(uri)

    def _point_in(
        self, doc: Document, outcome: Outcome[Checked], position: types.Position
    ) -> tuple[int, int] | None:
        """A client position in the current text -> (line, column) in the analysed text."""
        line = doc.line_to_version(position.line, outcome.version)
        if line is None or not 0 <= position.line < len(doc.lines):
            return None
        column = self.codec.from_client_column(doc.lines[position.line], position.character)
        return line, column

    def _range_from(
        self, doc: Document, outcome: Outcome[Checked], span: Any
    ) -> types.Range | None:
        """A span of the analysed text -> a range in the current text (None if edited since)."""
        start = doc.line_from_version(span.line, outcome.version)
        end = doc.line_from_version(span.end_line, outcome.version)
        if start is None or end is None:
            return None
        moved = type(span)(start, span.column, end, span.end_column)
        return self.codec.range(doc.lines, moved)

    # ------------------------------------------------------------------ settings

    def apply_editor_settings(self, raw: Any, where: str, layer: str) -> bool:
        """Validate and store one layer; True when the effective settings changed."""
        parsed, problems = parse_editor_settings(raw, where)
        for problem in problems:
            self.warn(problem)
        before = self.settings.editor
        if layer == "init":
            self.settings.init_options = parsed
        else:
            self.settings.workspace = parsed
        after = self.settings.editor
        if after.log_level:
            logging.getLogger("spmd_lsp").setLevel(after.log_level.upper())
        return before != after

    async def fetch_configuration(self) -> bool:
        if not self._capability("workspace.configuration", False):
            return False
        try:
            values = await self.workspace_configuration_async(
                types.ConfigurationParams(items=[types.ConfigurationItem(section=SECTION)])
            )
        except Exception as error:
            log.warning("workspace/configuration failed: %s", error)
            return False
        value = values[0] if values else None
        return self.apply_editor_settings(value, "the workspace configuration", "workspace")

    def settings_changed(self, before: EditorSettings) -> None:
        for doc in self.documents:
            self.schedule(doc.uri, 0)
        if self.pull and self._capability("workspace.diagnostics.refresh_support", False):
            self.workspace_diagnostic_refresh(None)
        if before.inlay_hints != self.settings.editor.inlay_hints and self._capability(
            "workspace.inlay_hint.refresh_support", False
        ):
            self.workspace_inlay_hint_refresh(None)

    # ------------------------------------------------------------------ workspace scan

    def _roots(self) -> list[str]:
        roots = []
        for folder in self.workspace.folders.values():
            path = to_fs_path(folder.uri)
            if path:
                roots.append(path)
        if not roots and self.workspace.root_path:
            roots.append(self.workspace.root_path)
        return roots

    async def scan_workspace(self) -> None:
        roots = self._roots()
        if not roots:
            return
        files = await asyncio.to_thread(find_files, roots)
        jobs = []
        for path, text in files:
            uri = from_fs_path(path)
            if not uri or uri in self.documents:
                continue
            self._scan_uris.add(uri)
            job = Job(uri, None, text, path, BACKGROUND)
            self.scheduler.submit(job, 0)
            jobs.append(job)
        if not jobs:
            return
        waits = [asyncio.ensure_future(self.scheduler.wait(job.uri)) for job in jobs]
        done, pending = await asyncio.wait(waits, timeout=self.options.progress_delay)
        if pending and self._capability("window.work_done_progress", False):
            await self._scan_with_progress(waits, len(done))
        else:
            await asyncio.gather(*waits, return_exceptions=True)
        log.info("workspace scan: %d files checked", len(jobs))

    async def _scan_with_progress(self, waits: Sequence[asyncio.Future[Any]], done: int) -> None:
        token = f"spmd-lsp-scan-{next(self._tokens)}"
        total = len(waits)
        try:
            await self.work_done_progress.create_async(token)
        except Exception as error:
            log.warning("the client refused a progress token: %s", error)
            await asyncio.gather(*waits, return_exceptions=True)
            return
        self.work_done_progress.begin(
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
                self.work_done_progress.report(
                    token,
                    types.WorkDoneProgressReport(
                        message=f"{done}/{total} files", percentage=done * 100 // total
                    ),
                )
        self.work_done_progress.end(
            token, types.WorkDoneProgressEnd(message=f"{total} files checked")
        )

    # ------------------------------------------------------------------ handlers

    def _register(self) -> None:
        server = self

        @server.feature(types.INITIALIZE)
        @guard()
        def initialize(params: types.InitializeParams) -> None:
            server.codec = Codec(str(server.workspace.position_encoding or "utf-16"))
            server.pull = server._capability("text_document.diagnostic") is not None
            server.apply_editor_settings(
                params.initialization_options, "initializationOptions", "init"
            )
            log.info(
                "client %s, encoding %s, %s diagnostics",
                params.client_info,
                server.codec.encoding,
                "pull" if server.pull else "push",
            )

        @server.feature(types.INITIALIZED)
        @guard()
        async def initialized(params: types.InitializedParams) -> None:
            server._initialized = True
            for message in server._queued_messages:
                server.window_show_message(
                    types.ShowMessageParams(type=types.MessageType.Warning, message=message)
                )
            server._queued_messages.clear()
            try:
                before = server.settings.editor
                if await server.fetch_configuration():
                    server.settings_changed(before)
            finally:
                server.config_ready.set()
            server._spawn(asyncio.to_thread(server.engine.preload))
            await server._register_dynamic()
            if server.options.scan_workspace:
                server._spawn(server.scan_workspace())

        @server.feature(types.SHUTDOWN)
        @guard()
        def shutdown(params: None) -> None:
            server.collector.cancel()
            server.scheduler.shutdown()

        @server.feature(types.TEXT_DOCUMENT_DID_OPEN)
        @guard()
        async def did_open(params: types.DidOpenTextDocumentParams) -> None:
            server.documents.open(params.text_document)
            await server.ready()
            server.schedule(params.text_document.uri, 0)

        @server.feature(types.TEXT_DOCUMENT_DID_CHANGE)
        @guard()
        def did_change(params: types.DidChangeTextDocumentParams) -> None:
            doc = server.documents.change(server.codec, params)
            if doc is not None:
                server.schedule(doc.uri)

        @server.feature(types.TEXT_DOCUMENT_DID_SAVE)
        @guard()
        def did_save(params: types.DidSaveTextDocumentParams) -> None:
            server.settings.forget_files()
            server.schedule(params.text_document.uri, 0)

        @server.feature(types.TEXT_DOCUMENT_DID_CLOSE)
        @guard()
        def did_close(params: types.DidCloseTextDocumentParams) -> None:
            uri = params.text_document.uri
            doc = server.documents.close(uri)
            server.scheduler.forget(uri)
            if doc is not None and doc.path:
                server.engine.set_document(doc.path, None)
                # the files that import it now read it from disk
                server._recheck_dependents(Job(uri, None, "", doc.path))
            if not server.pull:
                server.publish(uri, None, withdraw=True)
            server._record_elsewhere(uri, {})  # what its checks found in other files goes too

        @server.feature(types.WORKSPACE_DID_CHANGE_CONFIGURATION)
        @guard()
        async def did_change_configuration(params: types.DidChangeConfigurationParams) -> None:
            before = server.settings.editor
            if server._capability("workspace.configuration", False):
                changed = await server.fetch_configuration()
            else:
                changed = server.apply_editor_settings(
                    params.settings, "the workspace configuration", "workspace"
                )
            if changed:
                server.settings_changed(before)

        @server.feature(types.WORKSPACE_DID_CHANGE_WATCHED_FILES)
        @guard()
        def did_change_watched_files(params: types.DidChangeWatchedFilesParams) -> None:
            server.settings.forget_files()
            server.settings_changed(server.settings.editor)

        @server.feature("spmd/stats")
        @guard(dict)
        def on_stats(params: Any) -> dict[str, Any]:
            return server.stats()

        @server.feature(types.TEXT_DOCUMENT_HOVER)
        @guard()
        def on_hover(params: types.HoverParams) -> types.Hover | None:
            doc = server.documents.get(params.text_document.uri)
            outcome = server.scheduler.last(params.text_document.uri)
            if doc is None or outcome is None:
                return None
            point = server._point_in(doc, outcome, params.position)
            if point is None:
                return None
            formats = server._capability(
                "text_document.hover.content_format", [types.MarkupKind.Markdown]
            )
            markdown = types.MarkupKind.Markdown in formats
            found = server.facts_of(
                outcome,
                lambda result: hover.hover_at(
                    result, outcome.value.lines, *point, markdown=markdown
                ),
            )
            if found is None:
                return None
            text, span = found
            kind = types.MarkupKind.Markdown if markdown else types.MarkupKind.PlainText
            return types.Hover(
                contents=types.MarkupContent(kind=kind, value=text),
                range=server._range_from(doc, outcome, span),
            )

        @server.feature(
            types.TEXT_DOCUMENT_CODE_ACTION,
            types.CodeActionOptions(code_action_kinds=[types.CodeActionKind.QuickFix]),
        )
        @guard(list)
        async def on_code_action(params: types.CodeActionParams) -> list[types.CodeAction]:
            uri = params.text_document.uri
            doc = server.documents.get(uri)
            if doc is None or not params.context.diagnostics:
                return []
            outcome = await server.current(uri, server.options.request_wait)
            doc = server.documents.get(uri)
            if doc is None:
                return []
            fresh = outcome is not None and outcome.version == doc.version
            return actions.code_actions(
                params.context,
                uri,
                doc.version,
                doc.lines,
                doc.text,
                server.diagnostics_for(uri, outcome)[0] if fresh and outcome else None,
                server.codec,
                bool(server._capability("workspace.workspace_edit.document_changes", False)),
            )

        @server.feature(
            types.TEXT_DOCUMENT_INLAY_HINT, types.InlayHintOptions(resolve_provider=False)
        )
        @guard(list)
        async def on_inlay_hint(params: types.InlayHintParams) -> list[types.InlayHint]:
            if not server.settings.inlay_hints:
                return []
            uri = params.text_document.uri
            outcome = await server.current(uri, server.options.request_wait)
            doc = server.documents.get(uri)
            if doc is None or outcome is None:
                return []
            first = doc.line_to_version(params.range.start.line, outcome.version)
            last = doc.line_to_version(params.range.end.line, outcome.version)
            found = server.facts_of(
                outcome,
                lambda result: inlay.hints(
                    result,
                    first if first is not None else 0,
                    last if last is not None else len(outcome.value.lines),
                ),
            )
            result = []
            for hint in found:
                line = doc.line_from_version(hint.line, outcome.version)
                if line is None or not params.range.start.line <= line <= params.range.end.line:
                    continue
                if line >= len(doc.lines):
                    continue
                result.append(
                    types.InlayHint(
                        position=types.Position(
                            line=line,
                            character=server.codec.to_client_column(doc.lines[line], hint.column),
                        ),
                        label=hint.label,
                        kind=types.InlayHintKind.Type,
                        tooltip=hint.tooltip,
                        padding_left=False,
                    )
                )
            return result

        @server.feature(
            types.TEXT_DOCUMENT_DIAGNOSTIC,
            types.DiagnosticOptions(
                identifier="spmd", inter_file_dependencies=False, workspace_diagnostics=True
            ),
        )
        @guard(lambda: types.RelatedFullDocumentDiagnosticReport(items=[]))
        async def on_diagnostic(
            params: types.DocumentDiagnosticParams,
        ) -> (
            types.RelatedFullDocumentDiagnosticReport
            | types.RelatedUnchangedDocumentDiagnosticReport
        ):
            uri = params.text_document.uri
            await server.ready()
            doc = server.documents.get(uri)
            if (
                doc is not None
                and server.scheduler.last(uri) is None
                and not server.scheduler.pending(uri)
            ):
                server.schedule(uri, 0)
            outcome = (
                await server.scheduler.wait(uri)
                if server.scheduler.pending(uri)
                else server.scheduler.last(uri)
            )
            if outcome is None and uri not in server.elsewhere_targets():
                return types.RelatedFullDocumentDiagnosticReport(items=[])
            result_id = _result_id(outcome, server._elsewhere_epoch.get(uri, 0))
            if params.previous_result_id == result_id:
                return types.RelatedUnchangedDocumentDiagnosticReport(result_id=result_id)
            return types.RelatedFullDocumentDiagnosticReport(
                items=server.lsp_diagnostics(uri, outcome), result_id=result_id
            )

        @server.feature(types.WORKSPACE_DIAGNOSTIC)
        @guard(lambda: types.WorkspaceDiagnosticReport(items=[]))
        def on_workspace_diagnostic(
            params: types.WorkspaceDiagnosticParams,
        ) -> types.WorkspaceDiagnosticReport:
            items: list[
                types.WorkspaceFullDocumentDiagnosticReport
                | types.WorkspaceUnchangedDocumentDiagnosticReport
            ] = []
            for uri in sorted(server._scan_uris | server.elsewhere_targets()):
                if uri in server.documents:
                    continue
                outcome = server.scheduler.last(uri)
                if outcome is None and uri not in server.elsewhere_targets():
                    continue
                items.append(
                    types.WorkspaceFullDocumentDiagnosticReport(
                        uri=uri,
                        version=None,
                        items=server.lsp_diagnostics(uri, outcome),
                        result_id=_result_id(outcome, server._elsewhere_epoch.get(uri, 0)),
                    )
                )
            return types.WorkspaceDiagnosticReport(items=items)

    def stats(self) -> dict[str, Any]:
        """``spmd/stats``: counters for tests and for diagnosing a slow or large server."""
        rss = None
        with (
            contextlib.suppress(OSError, ValueError, IndexError),
            open("/proc/self/status", encoding="ascii") as handle,
        ):
            for line in handle:
                if line.startswith("VmRSS:"):
                    rss = int(line.split()[1]) * 1024
        return {
            "documents": len(list(self.documents)),
            "stopped": self.scheduler.stopped,
            "elsewhere": {source: sorted(found) for source, found in self._elsewhere.items()},
            "rss": rss,
            "caches": [dataclasses.asdict(stats) for stats in self.engine.cache_stats()],
            "frozen": gc.get_freeze_count(),
        }

    async def _register_dynamic(self) -> None:
        registrations = []
        if self._capability("workspace.did_change_configuration.dynamic_registration", False):
            registrations.append(
                types.Registration(
                    id="spmd-lsp-configuration",
                    method=types.WORKSPACE_DID_CHANGE_CONFIGURATION,
                    register_options=types.DidChangeConfigurationRegistrationOptions(
                        section=SECTION
                    ),
                )
            )
        if self._capability("workspace.did_change_watched_files.dynamic_registration", False):
            registrations.append(
                types.Registration(
                    id="spmd-lsp-pyproject",
                    method=types.WORKSPACE_DID_CHANGE_WATCHED_FILES,
                    register_options=types.DidChangeWatchedFilesRegistrationOptions(
                        watchers=[types.FileSystemWatcher(glob_pattern="**/pyproject.toml")]
                    ),
                )
            )
        if not registrations:
            return
        try:
            await self.client_register_capability_async(
                types.RegistrationParams(registrations=registrations)
            )
        except Exception as error:
            log.warning("client/registerCapability failed: %s", error)
