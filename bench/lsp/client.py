"""A minimal LSP client over a server's stdio, for measuring: it records when each
diagnostics publication and progress notification arrived, answers the server's own
requests as an editor would, and never hangs (every wait has a timeout).
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO

from bench.lsp import jsonrpc, procstat


class ServerDied(Exception):
    """The server closed its output or its input."""


@dataclass
class Published:
    """One textDocument/publishDiagnostics, as received."""

    at: float
    uri: str
    version: int | None
    count: int
    size: int  # bytes of the message body


@dataclass
class Progress:
    """One work-done progress, from its begin to its end (``end`` None while it runs)."""

    title: str
    begin: float
    end: float | None = None


def client_capabilities(pull: bool) -> dict[str, Any]:
    """What a modern editor declares. Pull diagnostics are declared only when asked for:
    servers that support both then push (ruff, spmd-lsp)."""
    text_document: dict[str, Any] = {
        "synchronization": {"dynamicRegistration": False, "didSave": True},
        "publishDiagnostics": {"versionSupport": True, "relatedInformation": True},
        "hover": {"contentFormat": ["markdown", "plaintext"]},
    }
    if pull:
        text_document["diagnostic"] = {"dynamicRegistration": False}
    return {
        "general": {"positionEncodings": ["utf-16"]},
        "textDocument": text_document,
        "window": {"workDoneProgress": True},
        "workspace": {
            "workspaceFolders": True,
            "configuration": True,
            "diagnostics": {"refreshSupport": True},
        },
    }


class Client:
    """One server process and the conversation with it."""

    def __init__(self, command: list[str], cwd: Path, stderr_log: Path) -> None:
        self.command = command
        self.cwd = cwd
        self.stderr_log = stderr_log
        self.process: asyncio.subprocess.Process | None = None
        self.published: list[Published] = []
        self.progress: dict[str, Progress] = {}
        self.server_requests: dict[str, int] = {}
        self.folders: list[dict[str, str]] = []
        self.capabilities: dict[str, Any] = {}
        self.server_info: dict[str, Any] = {}
        self._next_id = 0
        self._pending: dict[int, asyncio.Future[tuple[float, jsonrpc.Message]]] = {}
        self._changed = asyncio.Condition()
        self._reader: asyncio.Task[None] | None = None
        self._stderr: BinaryIO | None = None
        self.dead = False

    @property
    def pid(self) -> int:
        assert self.process is not None
        return self.process.pid

    # ------------------------------------------------------------------ process

    async def start(self) -> None:
        self.stderr_log.parent.mkdir(parents=True, exist_ok=True)
        self._stderr = open(self.stderr_log, "wb")  # noqa: SIM115 - closed in stop()
        self.process = await asyncio.create_subprocess_exec(
            *self.command,
            cwd=self.cwd,
            stdin=asyncio.subprocess.PIPE,
            stdout=asyncio.subprocess.PIPE,
            stderr=self._stderr,
            limit=1 << 24,  # a big publish is one line of the header reader's view
        )
        self._reader = asyncio.create_task(self._read_loop())

    async def stop(self, timeout: float = 5.0) -> None:
        """shutdown + exit; then SIGKILL, by pid, to the server and the descendants it had
        if they outlive it (each checked to be the same process: pids get reused)."""
        if self.process is None:
            return
        tree = [(pid, procstat.started(pid)) for pid in procstat.descendants(self.process.pid)]
        if not self.dead:
            with contextlib.suppress(ServerDied, TimeoutError):
                await self.request("shutdown", None, timeout)
                await self.notify("exit", None)
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self.process.wait(), timeout)
        if self.process.returncode is None:
            with contextlib.suppress(ProcessLookupError):
                os.kill(self.process.pid, signal.SIGKILL)
        for pid, start in tree:
            if start is not None and procstat.started(pid) == start:
                with contextlib.suppress(ProcessLookupError):
                    os.kill(pid, signal.SIGKILL)
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self.process.wait(), timeout)
        if self._reader is not None:
            self._reader.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._reader
        if self._stderr is not None:
            self._stderr.close()

    # ------------------------------------------------------------------ messages

    async def _send(self, message: jsonrpc.Message) -> float:
        process = self.process
        if self.dead or process is None or process.stdin is None:
            raise ServerDied("the server is not running")
        sent = time.perf_counter()
        try:
            process.stdin.write(jsonrpc.encode(message))
            await process.stdin.drain()
        except (BrokenPipeError, ConnectionResetError) as error:
            self.dead = True
            raise ServerDied(str(error)) from error
        return sent

    async def notify(self, method: str, params: Any) -> float:
        """Sends a notification; returns when it was written."""
        return await self._send({"jsonrpc": "2.0", "method": method, "params": params})

    async def request(self, method: str, params: Any, timeout: float) -> tuple[Any, float, float]:
        """(result, when the request was written, when its response was read). Raises
        TimeoutError (after cancelling the request), ServerDied, or RuntimeError
        for an error response."""
        self._next_id += 1
        ident = self._next_id
        future: asyncio.Future[tuple[float, jsonrpc.Message]] = (
            asyncio.get_running_loop().create_future()
        )
        self._pending[ident] = future
        sent = await self._send({"jsonrpc": "2.0", "id": ident, "method": method, "params": params})
        try:
            received, message = await asyncio.wait_for(future, timeout)
        except TimeoutError:
            self._pending.pop(ident, None)
            with contextlib.suppress(ServerDied):
                await self.notify("$/cancelRequest", {"id": ident})
            raise
        if "error" in message:
            raise RuntimeError(f"{method} failed: {message['error']}")
        return message.get("result"), sent, received

    async def _read_loop(self) -> None:
        assert self.process is not None and self.process.stdout is not None
        try:
            while (item := await jsonrpc.read(self.process.stdout)) is not None:
                await self._dispatch(*item, time.perf_counter())
        except (jsonrpc.FramingError, ConnectionResetError):
            pass
        finally:
            self.dead = True
            for future in self._pending.values():
                if not future.done():
                    future.set_exception(ServerDied("the server closed its output"))
            async with self._changed:
                self._changed.notify_all()

    async def _dispatch(self, message: jsonrpc.Message, size: int, at: float) -> None:
        if "method" not in message:  # a response
            future = self._pending.pop(message.get("id", -1), None)
            if future is not None and not future.done():
                future.set_result((at, message))
            return
        method, params = message["method"], message.get("params") or {}
        if "id" in message:
            await self._answer(message["id"], method, params)
            return
        async with self._changed:
            if method == "textDocument/publishDiagnostics":
                self.published.append(
                    Published(
                        at,
                        params.get("uri", ""),
                        params.get("version"),
                        len(params.get("diagnostics") or []),
                        size,
                    )
                )
            elif method == "$/progress":
                self._on_progress(params, at)
            self._changed.notify_all()

    def _on_progress(self, params: dict[str, Any], at: float) -> None:
        token, value = str(params.get("token")), params.get("value") or {}
        if value.get("kind") == "begin":
            self.progress[token] = Progress(str(value.get("title", "")), at)
        elif value.get("kind") == "end" and token in self.progress:
            self.progress[token].end = at

    async def _answer(self, ident: Any, method: str, params: dict[str, Any]) -> None:
        """Answers the server's requests as an editor would (settings: none configured)."""
        self.server_requests[method] = self.server_requests.get(method, 0) + 1
        reply: jsonrpc.Message = {"jsonrpc": "2.0", "id": ident}
        if method == "workspace/configuration":
            reply["result"] = [None for _ in params.get("items", [])]
        elif method == "workspace/workspaceFolders":
            reply["result"] = self.folders
        elif method == "workspace/applyEdit":
            reply["result"] = {"applied": False}
        elif method in (
            "window/workDoneProgress/create",
            "client/registerCapability",
            "client/unregisterCapability",
            "window/showMessageRequest",
            "workspace/diagnostic/refresh",
            "workspace/inlayHint/refresh",
            "workspace/semanticTokens/refresh",
            "workspace/codeLens/refresh",
        ):
            reply["result"] = None
        else:
            reply["error"] = {"code": -32601, "message": f"harness: {method} not handled"}
        with contextlib.suppress(ServerDied):
            await self._send(reply)

    # ------------------------------------------------------------------ waiting

    async def wait_for(self, ready: Any, timeout: float) -> bool:
        """Waits until ``ready()`` is true (checked on every message); False on timeout or
        when the server died first."""
        deadline = time.perf_counter() + timeout
        async with self._changed:
            while not ready():
                remaining = deadline - time.perf_counter()
                if self.dead or remaining <= 0:
                    return False
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self._changed.wait(), remaining)
            return True

    async def wait_published(
        self, uri: str, start: int, version: int | None, timeout: float
    ) -> Published | None:
        """The first publication for ``uri`` at index ``start`` or later, of ``version`` or a
        newer one when the server sends versions (else simply the first one)."""
        found: list[Published] = []

        def ready() -> bool:
            for event in self.published[start:]:
                if event.uri != uri:
                    continue
                if version is not None and event.version is not None and event.version < version:
                    continue
                found.append(event)
                return True
            return False

        await self.wait_for(ready, timeout)
        return found[0] if found else None

    def busy(self) -> bool:
        """Whether a work-done progress (the workspace scan) is running."""
        return any(p.end is None for p in self.progress.values())

    # ------------------------------------------------------------------ LSP

    async def initialize(self, root: Path, pull: bool, timeout: float) -> float:
        """initialize + initialized; returns when initialized was sent."""
        uri = root.resolve().as_uri()
        self.folders = [{"uri": uri, "name": root.name}]
        result, _, _ = await self.request(
            "initialize",
            {
                "processId": os.getpid(),
                "clientInfo": {"name": "spmd-bench", "version": "1"},
                "rootUri": uri,
                "rootPath": str(root.resolve()),
                "workspaceFolders": self.folders,
                "capabilities": client_capabilities(pull),
            },
            timeout,
        )
        self.capabilities = (result or {}).get("capabilities", {})
        self.server_info = (result or {}).get("serverInfo") or {}
        return await self.notify("initialized", {})

    def offers_pull(self) -> bool:
        return bool(self.capabilities.get("diagnosticProvider"))

    def incremental(self) -> bool:
        sync = self.capabilities.get("textDocumentSync")
        kind = sync.get("change") if isinstance(sync, dict) else sync
        return kind == 2
