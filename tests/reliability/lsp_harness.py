"""A real ``spmd-lsp`` process driven from synchronous code (hypothesis tests).

``Server`` owns an event loop and a pytest-lsp client; every method runs one
coroutine to completion on that loop, so a hypothesis test can reuse one server
process across many generated examples. Diagnostics are recorded per publish,
with their version, so tests can check ordering.
"""

from __future__ import annotations

import asyncio
import os
import re
import shutil
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from lsprotocol import types
from pygls.protocol import default_converter
from pytest_lsp import LanguageClient, client_capabilities

REPO = Path(__file__).resolve().parents[2]
SERVER = [sys.executable, "-m", "spmd_lsp", "--debounce-ms", "5", "--progress-delay-ms", "0"]


def long_run() -> bool:
    """``SPMD_RELIABILITY=long``: the long versions of the properties (docs/reliability.md)."""
    return os.environ.get("SPMD_RELIABILITY", "").lower() == "long"


def scaled(short: int, long: int) -> int:
    return long if long_run() else short


def corpus() -> list[Path]:
    """The texts the properties start from: examples/ and tests/cases/."""
    files = sorted((REPO / "examples").rglob("*.py")) + sorted(
        (REPO / "tests" / "cases").rglob("*.py")
    )
    return [f for f in files if "__pycache__" not in f.parts]


def copy_corpus(root: Path) -> None:
    """The examples and cases laid out under ``root`` as in the repository (sibling imports)."""
    for source in corpus():
        target = root / source.relative_to(REPO)
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(source, target)


def lines_of(text: str) -> list[str]:
    return re.split(r"\r\n|\r|\n", text)


def utf16(text: str) -> int:
    return len(text.encode("utf-16-le", errors="surrogatepass")) // 2


def position_at(text: str, offset: int) -> types.Position:
    """A code-point offset -> an LSP (UTF-16) position, independently of the server's code."""
    before = text[:offset]
    breaks = list(re.finditer(r"\r\n|\r|\n", before))
    line = len(breaks)
    # an offset between \r and \n: the position is the line's end (the \r\n pair is one break)
    start = breaks[-1].end() if breaks else 0
    if before.endswith("\r") and text[offset : offset + 1] == "\n":
        line -= 1
        start = breaks[-2].end() if len(breaks) > 1 else 0
        return types.Position(line=line, character=utf16(text[start : offset - 1]))
    return types.Position(line=line, character=utf16(text[start:offset]))


def make_client() -> LanguageClient:
    client = LanguageClient(converter_factory=default_converter)
    from pytest_lsp.client import DEFAULT_CLIENT_FEATURES, register_lsp_features

    features = {
        k: v
        for k, v in DEFAULT_CLIENT_FEATURES.items()
        if k != types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS
    }
    register_lsp_features(client, features)
    client.published = []  # type: ignore[attr-defined]

    @client.feature(types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS)
    def on_publish(params: types.PublishDiagnosticsParams) -> None:
        client.published.append((time.monotonic(), params))  # type: ignore[attr-defined]

    @client.feature(types.CLIENT_REGISTER_CAPABILITY)
    def on_register(params: types.RegistrationParams) -> None:
        return None

    return client


class Server:
    def __init__(
        self,
        root: Path,
        init_options: Any = None,
        editor: str = "visual_studio_code",
        args: Sequence[str] = (),
        env: dict[str, str] | None = None,
        scan: bool = False,
    ) -> None:
        self.root = root
        self.loop = asyncio.new_event_loop()
        self.client = make_client()
        self.editor = editor
        self.init_options = init_options
        self.args = [*args, *(() if scan else ("--no-workspace-scan",))]
        self.env = env
        self.versions: dict[str, int] = {}  # open documents' current versions
        self._used: dict[str, int] = {}  # the last version ever sent per URI
        self._since: dict[str, int] = {}  # per URI, the publish index at its last open
        self.run(self._start())

    def run(self, coroutine: Any, timeout: float = 60.0) -> Any:
        return self.loop.run_until_complete(asyncio.wait_for(coroutine, timeout))

    async def _start(self) -> None:
        env = dict(os.environ if self.env is None else self.env)
        env.pop("SPMD_LSP_ANALYZER", None)
        await self.client.start_io(*SERVER, *self.args, env=env, cwd=str(self.root))
        uri = self.root.as_uri()
        await self.client.initialize_session(
            types.InitializeParams(
                capabilities=client_capabilities(self.editor),
                root_uri=uri,
                workspace_folders=[types.WorkspaceFolder(uri=uri, name="ws")],
                initialization_options=self.init_options,
            )
        )

    @property
    def process(self) -> Any:
        return self.client._server  # type: ignore[attr-defined]

    def alive(self) -> bool:
        return self.process is not None and self.process.returncode is None

    def stop(self) -> None:
        try:
            if self.alive():
                self.run(self.client.shutdown_session(), timeout=20)
        finally:
            if self.alive():
                self.process.kill()
            self.run(self.client.stop(), timeout=20)
            self.loop.close()

    # ------------------------------------------------------------ documents
    def uri(self, relative: str) -> str:
        return (self.root / relative).as_uri()

    def open(self, uri: str, text: str, version: int | None = None) -> int:
        """Open a document; versions of a URI never repeat, even across open/close, and only
        publishes after the open count for it."""
        if version is None:
            version = self._used.get(uri, 0) + 1
        self._used[uri] = max(self._used.get(uri, 0), version)
        self.versions[uri] = version
        self._since[uri] = len(self.client.published)  # type: ignore[attr-defined]
        self.client.text_document_did_open(
            types.DidOpenTextDocumentParams(
                text_document=types.TextDocumentItem(
                    uri=uri, language_id="python", version=version, text=text
                )
            )
        )
        return version

    def change(self, uri: str, changes: list[types.TextDocumentContentChangeEvent]) -> int:
        version = self.versions[uri] = self._used[uri] + 1
        self.client.text_document_did_change(
            types.DidChangeTextDocumentParams(
                text_document=types.VersionedTextDocumentIdentifier(uri=uri, version=version),
                content_changes=changes,
            )
        )
        self._used[uri] = version
        return version

    def close(self, uri: str) -> None:
        self.versions.pop(uri, None)
        self.client.text_document_did_close(
            types.DidCloseTextDocumentParams(text_document=types.TextDocumentIdentifier(uri=uri))
        )

    def publishes(
        self, uri: str, since_open: bool = True
    ) -> list[tuple[float, types.PublishDiagnosticsParams]]:
        """The publishes for the URI (since it was last opened)."""
        published = self.client.published  # type: ignore[attr-defined]
        start = self._since.get(uri, 0) if since_open else 0
        return [(t, p) for t, p in published[start:] if p.uri == uri]

    def diagnostics(self, uri: str, version: int, timeout: float = 60.0) -> list[types.Diagnostic]:
        """The published diagnostics of that version (waits for them)."""

        async def wait() -> list[types.Diagnostic]:
            while True:
                found = [p for _, p in self.publishes(uri) if p.version == version]
                if found:
                    return list(found[-1].diagnostics)
                if not self.alive():
                    raise AssertionError(f"the server died (exit status {self.process.returncode})")
                await asyncio.sleep(0.005)

        return self.run(wait(), timeout)  # type: ignore[no-any-return]

    def settle(self, seconds: float) -> None:
        self.run(asyncio.sleep(seconds), timeout=seconds + 5)

    # ------------------------------------------------------------ requests
    def hover(self, uri: str, position: types.Position) -> types.Hover | None:
        return self.run(
            self.client.text_document_hover_async(  # type: ignore[no-any-return]
                types.HoverParams(
                    text_document=types.TextDocumentIdentifier(uri=uri), position=position
                )
            )
        )

    def inlay_hints(self, uri: str, end_line: int) -> list[types.InlayHint]:
        result = self.run(
            self.client.text_document_inlay_hint_async(
                types.InlayHintParams(
                    text_document=types.TextDocumentIdentifier(uri=uri),
                    range=types.Range(
                        start=types.Position(line=0, character=0),
                        end=types.Position(line=end_line, character=0),
                    ),
                )
            )
        )
        return list(result or [])

    def request(self, method: str, params: Any) -> Any:
        return self.run(self.client.protocol.send_request_async(method, params))

    def stats(self) -> Any:
        return self.request("spmd/stats", None)


def normalise(value: Any, roots: Sequence[Path]) -> Any:
    """A protocol answer as plain data, with the workspace roots replaced by ``ROOT``, so two
    servers over two copies of a workspace can be compared."""
    data = default_converter().unstructure(value) if value is not None else None

    def walk(item: Any) -> Any:
        if isinstance(item, str):
            for root in roots:
                item = item.replace(root.as_uri(), "ROOT").replace(str(root), "ROOT")
            return item
        if isinstance(item, dict):
            return {k: walk(v) for k, v in item.items() if k != "data"}
        if isinstance(item, list):
            return [walk(v) for v in item]
        return item

    return walk(data)


def dump_failure(name: str, **details: Any) -> Path:
    """Keep what a failed example needs for a replay (tests/reliability/failures/, not committed)."""
    import json

    folder = Path(__file__).parent / "failures"
    folder.mkdir(exist_ok=True)
    path = folder / f"{name}-{int(time.time() * 1000)}.json"
    path.write_text(json.dumps(details, indent=1, default=repr), encoding="utf-8")
    return path


def wait_for(condition: Callable[[], bool], server: Server, timeout: float = 30.0) -> None:
    async def poll() -> None:
        while not condition():
            await asyncio.sleep(0.01)

    server.run(poll(), timeout)
