"""Start-up scan with progress, bad input of every kind, the command line, TCP, no torch."""

from __future__ import annotations

import asyncio
import concurrent.futures
import json
import os
import socket
import subprocess
import sys
import time
import uuid
from typing import Any

import pytest
from conftest import HERE, Session, _env, wait_until
from helpers import SOURCE
from lsprotocol import types
from pygls.exceptions import JsonRpcException


async def test_workspace_scan_reports_progress_and_diagnostics(session: Session) -> None:
    for name in ("a.py", "b.py", "pkg/c.py"):
        path = session.root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(SOURCE, encoding="utf-8")
    (session.root / "plain.py").write_text("print('no spmd here')\n", encoding="utf-8")
    (session.root / ".venv").mkdir()
    (session.root / ".venv" / "skipped.py").write_text(SOURCE, encoding="utf-8")
    await session.start()
    expected = {(session.root / n).as_uri() for n in ("a.py", "b.py", "pkg/c.py")}

    reports = session.client.progress_reports
    await wait_until(
        lambda: any(isinstance(r[-1], types.WorkDoneProgressEnd) for r in reports.values() if r)
    )
    (token,) = [t for t, r in reports.items() if r]
    kinds = [type(r).__name__ for r in reports[token]]
    assert kinds[0] == "WorkDoneProgressBegin" and kinds[-1] == "WorkDoneProgressEnd"
    assert reports[token][-1].message == "3 files checked"

    if session.pull:
        report = await session.client.workspace_diagnostic_async(
            types.WorkspaceDiagnosticParams(previous_result_ids=[])
        )
        got = {item.uri: item.items for item in report.items}
    else:
        published = session.client.published  # type: ignore[attr-defined]
        await wait_until(lambda: expected <= {p.uri for p in published})
        got = {p.uri: p.diagnostics for p in published}
    assert set(got) == expected
    assert all([d.code for d in items] == ["spmd-partial-nonlinear"] for items in got.values())


async def test_checker_crash_is_survived(session: Session) -> None:
    await session.start()
    uri = session.open(SOURCE + "# CRASH_THE_CHECKER\n")
    assert list(await session.diagnostics(uri, 1)) == []
    other = session.open(SOURCE, name="other.py")
    assert len(await session.diagnostics(other, 1)) == 1


async def test_bad_requests_get_answers(session: Session) -> None:
    await session.start()
    uri = session.open(SOURCE)
    await session.diagnostics(uri, 1)
    protocol = session.client.protocol
    with pytest.raises(JsonRpcException):
        await asyncio.wait_for(
            _raw_request(protocol, "textDocument/hover", {"textDocument": 5}), 10
        )
    # unknown documents and positions far outside the text
    nowhere = types.TextDocumentIdentifier(uri=session.uri("missing.py"))
    far = types.Position(line=10_000, character=10_000)
    assert (
        await session.client.text_document_hover_async(
            types.HoverParams(text_document=nowhere, position=far)
        )
        is None
    )
    hover = await session.client.text_document_hover_async(
        types.HoverParams(text_document=types.TextDocumentIdentifier(uri=uri), position=far)
    )
    assert hover is None
    hints = await session.client.text_document_inlay_hint_async(
        types.InlayHintParams(text_document=nowhere, range=types.Range(start=far, end=far))
    )
    assert list(hints or []) == []
    # a change for a document never opened, and a garbled change: ignored
    session.change(session.uri("missing.py"), 3, [(types.Range(start=far, end=far), "x")])
    protocol._send_data(
        {
            "jsonrpc": "2.0",
            "method": "textDocument/didChange",
            "params": {"textDocument": {"uri": uri}, "contentChanges": 7},
        }
    )
    # an edit range past the end of the document is clamped
    session.change(uri, 2, [(types.Range(start=far, end=far), "\n# appended\n")])
    assert len(await session.diagnostics(uri, 2)) == 1


def _raw_request(protocol: Any, method: str, params: object) -> asyncio.Future[Any]:
    """Send a request whose params the client's own types could not even express."""
    msg_id = str(uuid.uuid4())
    future: concurrent.futures.Future[Any] = concurrent.futures.Future()
    protocol._request_futures[msg_id] = future
    protocol._send_data({"jsonrpc": "2.0", "id": msg_id, "method": method, "params": params})
    return asyncio.wrap_future(future)


def test_server_does_not_import_torch() -> None:
    code = "import sys, spmd_lsp.main, spmd_lsp.server; print('torch' in sys.modules)"
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, env=_env(False)
    )
    assert out.stdout.strip() == "False"


@pytest.mark.parametrize("module", ["spmd_lsp", "spmd_lsp.main"])
def test_version_flag(module: str) -> None:
    out = subprocess.run(
        [sys.executable, "-m", module, "--version"], capture_output=True, text=True
    )
    assert out.returncode == 0
    assert out.stdout.strip().startswith("spmd-lsp ")


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _frame(message: dict[str, object]) -> bytes:
    body = json.dumps(message).encode()
    return f"Content-Length: {len(body)}\r\n\r\n".encode() + body


def _read_message(sock: socket.socket) -> dict[str, object]:
    data = b""
    while b"\r\n\r\n" not in data:
        data += sock.recv(4096)
    header, _, rest = data.partition(b"\r\n\r\n")
    length = int(header.split(b"Content-Length:")[1].split(b"\r\n")[0])
    while len(rest) < length:
        rest += sock.recv(4096)
    return json.loads(rest[:length])  # type: ignore[no-any-return]


def test_tcp_transport(tmp_path: os.PathLike[str]) -> None:
    port = _free_port()
    log_file = os.path.join(tmp_path, "server.log")
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "spmd_lsp.main",
            "--tcp",
            f"127.0.0.1:{port}",
            "--log-file",
            log_file,
            "--log-level",
            "info",
        ],
        env={**_env(True), "PYTHONPATH": str(HERE)},
    )
    try:
        deadline = time.monotonic() + 60  # a deadline, not a number of tries: start-up time varies
        while True:
            try:
                sock = socket.create_connection(("127.0.0.1", port), timeout=10)
                break
            except OSError:
                if time.monotonic() > deadline or process.poll() is not None:
                    raise AssertionError("the server never listened") from None
                time.sleep(0.05)
        with sock:
            sock.sendall(
                _frame(
                    {
                        "jsonrpc": "2.0",
                        "id": 1,
                        "method": "initialize",
                        "params": {"processId": None, "rootUri": None, "capabilities": {}},
                    }
                )
            )
            reply = _read_message(sock)
            assert reply["id"] == 1
            assert reply["result"]["serverInfo"]["name"] == "spmd-lsp"  # type: ignore[index]
            sock.sendall(_frame({"jsonrpc": "2.0", "id": 2, "method": "shutdown"}))
            while _read_message(sock).get("id") != 2:
                pass
            sock.sendall(_frame({"jsonrpc": "2.0", "method": "exit"}))
    finally:
        process.terminate()
        process.wait(10)
    assert os.path.exists(log_file)
