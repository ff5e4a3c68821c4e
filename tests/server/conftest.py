"""End-to-end fixtures: a real ``spmd-lsp`` process driven by pytest-lsp, as VS Code and Neovim.

The ``client`` fixture starts the server over stdio with the scripted
``fake_analyzer`` (so these tests pin the protocol layer, not the checker)
and hands back an un-initialised client; a test calls ``start(...)`` with
its workspace folder and settings. ``real_client`` runs the real checker.
"""

from __future__ import annotations

import asyncio
import os
import sys
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

import pytest
import pytest_lsp
from lsprotocol import types
from pytest_lsp import ClientServerConfig, LanguageClient, client_capabilities
from pytest_lsp.client import DEFAULT_CLIENT_FEATURES, register_lsp_features

HERE = Path(__file__).parent
T = TypeVar("T")

# VS Code: push diagnostics, UTF-16. Neovim 0.10: pull, UTF-16. Neovim 0.11: pull, UTF-8 negotiated.
EDITORS = ["visual_studio_code", "neovim@v0.10.0", "neovim@v0.11.0"]

SERVER = [sys.executable, "-m", "spmd_lsp", "--debounce-ms", "20", "--progress-delay-ms", "0"]
# every scanned file is forgotten, however slow the machine (a test then knows what is kept)
SERVER += ["--keep-scanned-ms", "1e9"]
# one look at the disk serves every check until the editor says files changed (opened, saved,
# closed, a watched file): a test that sees a change on disk sees it because of that
SERVER += ["--disk-trust-ms", "1e12"]


def _env(fake: bool) -> dict[str, str]:
    env = dict(os.environ)
    if fake:
        env["PYTHONPATH"] = os.pathsep.join([str(HERE), env.get("PYTHONPATH", "")])
        env["SPMD_LSP_ANALYZER"] = "fake_analyzer:FakeAnalyzer"
    else:
        env.pop("SPMD_LSP_ANALYZER", None)
    return env


def make_client() -> LanguageClient:
    """pytest-lsp's client, also recording every publishDiagnostics with its version."""
    from pygls.protocol import default_converter

    client = LanguageClient(converter_factory=default_converter)
    features = {
        k: v
        for k, v in DEFAULT_CLIENT_FEATURES.items()
        if k != types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS
    }
    register_lsp_features(client, features)
    client.published = []  # type: ignore[attr-defined]
    client.refreshes = []  # type: ignore[attr-defined]
    client.registrations = []  # type: ignore[attr-defined]

    @client.feature(types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS)
    def on_publish(params: types.PublishDiagnosticsParams) -> None:
        client.diagnostics[params.uri] = params.diagnostics
        client.published.append(params)  # type: ignore[attr-defined]

    @client.feature(types.WORKSPACE_INLAY_HINT_REFRESH)
    def on_inlay_refresh(params: None) -> None:
        client.refreshes.append("inlay")  # type: ignore[attr-defined]

    @client.feature(types.CLIENT_REGISTER_CAPABILITY)
    def on_register(params: types.RegistrationParams) -> None:
        client.registrations.extend(params.registrations)  # type: ignore[attr-defined]

    return client


FAKE = ClientServerConfig(server_command=SERVER, server_env=_env(True), client_factory=make_client)
REAL = ClientServerConfig(server_command=SERVER, server_env=_env(False), client_factory=make_client)


@dataclass
class Session:
    client: LanguageClient
    editor: str
    root: Path
    pull: bool = False
    initialize_result: types.InitializeResult | None = None

    @property
    def encoding(self) -> str:
        assert self.initialize_result is not None
        return str(self.initialize_result.capabilities.position_encoding or "utf-16")

    async def start(
        self,
        init_options: Any = None,
        workspace_config: dict[str, Any] | None = None,
        capabilities: types.ClientCapabilities | None = None,
    ) -> types.InitializeResult:
        caps = capabilities or client_capabilities(self.editor)
        self.pull = caps.text_document is not None and caps.text_document.diagnostic is not None
        if workspace_config is not None:
            self.client.set_configuration(workspace_config, section="spmdTypes")
        uri = self.root.as_uri()
        self.initialize_result = await self.client.initialize_session(
            types.InitializeParams(
                capabilities=caps,
                root_uri=uri,
                workspace_folders=[types.WorkspaceFolder(uri=uri, name="ws")],
                initialization_options=init_options,
            )
        )
        return self.initialize_result

    def uri(self, name: str = "model.py") -> str:
        return (self.root / name).as_uri()

    def open(self, text: str, name: str = "model.py", version: int = 1) -> str:
        uri = self.uri(name)
        self.client.text_document_did_open(
            types.DidOpenTextDocumentParams(
                text_document=types.TextDocumentItem(
                    uri=uri, language_id="python", version=version, text=text
                )
            )
        )
        return uri

    def change(self, uri: str, version: int, edits: list[tuple[types.Range, str]]) -> None:
        self.client.text_document_did_change(
            types.DidChangeTextDocumentParams(
                text_document=types.VersionedTextDocumentIdentifier(uri=uri, version=version),
                content_changes=[
                    types.TextDocumentContentChangePartial(range=r, text=t) for r, t in edits
                ],
            )
        )

    async def diagnostics(
        self, uri: str, version: int | None, timeout: float = 15.0
    ) -> list[types.Diagnostic]:
        """The diagnostics of that version: pulled, or waited for as a publish with that version."""
        if self.pull:
            report = await asyncio.wait_for(
                self.client.text_document_diagnostic_async(
                    types.DocumentDiagnosticParams(
                        text_document=types.TextDocumentIdentifier(uri=uri)
                    )
                ),
                timeout,
            )
            return list(report.items)
        published = self.client.published  # type: ignore[attr-defined]
        await wait_until(
            lambda: any(p.uri == uri and p.version == version for p in published), timeout
        )
        return [p for p in published if p.uri == uri and p.version == version][-1].diagnostics


async def wait_until(condition: Callable[[], bool], timeout: float = 15.0) -> None:
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while not condition():
        if loop.time() > deadline:
            raise TimeoutError("condition not met in time")
        await asyncio.sleep(0.01)


async def eventually(
    ask: Callable[[], Awaitable[T]], holds: Callable[[T], bool], timeout: float = 15.0
) -> T:
    """Ask the server again until ``holds`` of its answer, by a deadline rather than a number
    of tries (on a loaded machine each try takes longer); the last answer."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while True:
        answer = await ask()
        if holds(answer):
            return answer
        if loop.time() > deadline:
            raise TimeoutError(f"never held; the last answer: {answer!r}")
        await asyncio.sleep(0.01)


@pytest_lsp.fixture(config=FAKE, params=EDITORS)
async def client(lsp_client: LanguageClient, request: pytest.FixtureRequest):  # type: ignore[no-untyped-def]
    yield
    await lsp_client.shutdown_session()


@pytest_lsp.fixture(config=REAL, params=EDITORS[:2])
async def real_client(lsp_client: LanguageClient, request: pytest.FixtureRequest):  # type: ignore[no-untyped-def]
    yield
    await lsp_client.shutdown_session()


@pytest.fixture
def session(client: LanguageClient, request: pytest.FixtureRequest, tmp_path: Path) -> Session:
    editor = request.node.callspec.params["client"]
    return Session(client, editor, tmp_path)


@pytest.fixture
def real_session(
    real_client: LanguageClient, request: pytest.FixtureRequest, tmp_path: Path
) -> Session:
    pytest.importorskip("spmd_check.analysis", reason="the checker's Analyzer has not landed yet")
    editor = request.node.callspec.params["real_client"]
    return Session(real_client, editor, tmp_path)
