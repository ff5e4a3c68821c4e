"""Bad protocol input: malformed frames and JSON, unknown methods, wrong parameter types,
out-of-range positions, requests before initialize. Each gets an error response (or, for a
notification, a logged warning), and the server stays up: a well-formed request right after
each one is answered.

A raw stdio client (hand-written framing) is used: a real client library cannot send most of
these.
"""

from __future__ import annotations

import contextlib
import itertools
import json
import os
import queue
import subprocess
import threading
import time
from pathlib import Path
from typing import Any

import pytest
from lsp_harness import SERVER

CASES_RUN = {"bad_inputs": 0}


class RawServer:
    def __init__(self, root: Path) -> None:
        self.log = root / "server.log"
        env = dict(os.environ)
        env.pop("SPMD_LSP_ANALYZER", None)
        self.process = subprocess.Popen(
            [*SERVER, "--no-workspace-scan", "--log-file", str(self.log), "--log-level", "info"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            cwd=root,
            env=env,
        )
        self.messages: queue.Queue[dict[str, Any]] = queue.Queue()
        self.ids = itertools.count(1)
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        stream = self.process.stdout
        assert stream is not None
        while True:
            headers = {}
            while True:
                line = stream.readline()
                if not line:
                    return
                line = line.strip()
                if not line:
                    break
                name, _, value = line.decode("ascii").partition(":")
                headers[name.strip().lower()] = value.strip()
            body = stream.read(int(headers["content-length"]))
            self.messages.put(json.loads(body))

    def send_bytes(self, data: bytes) -> None:
        assert self.process.stdin is not None
        self.process.stdin.write(data)
        self.process.stdin.flush()

    def send(self, message: Any) -> None:
        body = json.dumps(message).encode("utf-8")
        self.send_bytes(b"Content-Length: %d\r\n\r\n" % len(body) + body)

    def request(self, method: str, params: Any = None, timeout: float = 20.0) -> dict[str, Any]:
        ident = next(self.ids)
        message: dict[str, Any] = {"jsonrpc": "2.0", "id": ident, "method": method}
        if params is not None:
            message["params"] = params
        self.send(message)
        return self.response(ident, timeout)

    def response(self, ident: Any, timeout: float = 20.0) -> dict[str, Any]:
        deadline = time.monotonic() + timeout
        while True:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise AssertionError(f"no response to request {ident!r}")
            try:
                message = self.messages.get(timeout=remaining)
            except queue.Empty:
                continue
            if message.get("id") == ident and "method" not in message:
                return message
            if "method" in message and "id" in message:  # a request from the server: answer it
                self.send({"jsonrpc": "2.0", "id": message["id"], "result": None})

    def notify(self, method: str, params: Any = None) -> None:
        self.send({"jsonrpc": "2.0", "method": method, "params": params})

    def alive(self) -> bool:
        return self.process.poll() is None

    def probe(self, timeout: float = 20.0) -> None:
        """A well-formed request is answered: the server is up and in sync with the stream."""
        reply = self.request(
            "textDocument/hover",
            {
                "textDocument": {"uri": "file:///nowhere.py"},
                "position": {"line": 0, "character": 0},
            },
            timeout,
        )
        assert "result" in reply and reply["result"] is None, reply

    def stop(self) -> None:
        if self.alive():
            try:
                self.request("shutdown", timeout=10)
                self.notify("exit")
                self.process.wait(10)
            except Exception:
                pass
        if self.alive():
            self.process.kill()
            self.process.wait(10)


@pytest.fixture
def raw(tmp_path: Path):  # type: ignore[no-untyped-def]
    server = RawServer(tmp_path)
    yield server
    server.stop()


@pytest.fixture(scope="module")
def shared(tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    """One server for the whole sequence of bad inputs (each follows all the others)."""
    root = tmp_path_factory.mktemp("protocol")
    server = RawServer(root)
    _initialize(server, root)
    server.notify(
        "textDocument/didOpen",
        {
            "textDocument": {
                "uri": "file:///x.py",
                "languageId": "python",
                "version": 1,
                "text": "import torch\nx = 1\n",
            }
        },
    )
    yield server
    print(f"\nbad protocol input: {CASES_RUN}")
    assert server.alive()
    server.stop()


def _initialize(raw: RawServer, root: Path) -> None:
    reply = raw.request(
        "initialize", {"processId": None, "rootUri": root.as_uri(), "capabilities": {}}
    )
    assert "result" in reply, reply
    raw.notify("initialized", {})


def test_requests_before_initialize(raw: RawServer, tmp_path: Path) -> None:
    reply = raw.request(
        "textDocument/hover",
        {"textDocument": {"uri": "file:///x.py"}, "position": {"line": 0, "character": 0}},
    )
    assert "error" in reply or reply.get("result") is None, reply
    raw.notify(
        "textDocument/didOpen",
        {
            "textDocument": {
                "uri": "file:///x.py",
                "languageId": "python",
                "version": 1,
                "text": "x = 1\n",
            }
        },
    )
    assert raw.alive()
    _initialize(raw, tmp_path)
    raw.probe()


BAD_FRAMES: dict[str, bytes] = {
    "malformed_json": b"Content-Length: 9\r\n\r\n{not json",
    "truncated_json": b'Content-Length: 20\r\n\r\n{"jsonrpc": "2.0", ',
    "not_utf8": b"Content-Length: 4\r\n\r\n\xff\xfe\xfd\xfc",
    "json_array": b"Content-Length: 2\r\n\r\n[]",
    "json_number": b"Content-Length: 1\r\n\r\n7",
    "json_null": b"Content-Length: 4\r\n\r\nnull",
    "empty_object": b"Content-Length: 2\r\n\r\n{}",
    "garbage_header": b"Hello there\r\n\r\n",
    "bad_length": b"Content-Length: many\r\n\r\n",
    "extra_headers": b"Content-Length: 2\r\nContent-Type: application/vscode-jsonrpc; charset=utf-8\r\nX-Other: 1\r\n\r\n{}",
}


@pytest.mark.parametrize("name", sorted(BAD_FRAMES))
def test_bad_frames(shared: RawServer, name: str) -> None:
    raw = shared
    raw.send_bytes(BAD_FRAMES[name])
    # a frame whose length is wrong swallows the start of the next one; the one after that is
    # understood again (the loop resynchronises on the next header)
    with pytest.raises(AssertionError) if name == "truncated_json" else contextlib.nullcontext():
        raw.probe(timeout=3)
    raw.probe()
    assert raw.alive()
    CASES_RUN["bad_inputs"] += 1


BAD_MESSAGES: dict[str, Any] = {
    "unknown_request": {"jsonrpc": "2.0", "id": "u1", "method": "spmd/noSuchThing", "params": {}},
    "unknown_notification": {"jsonrpc": "2.0", "method": "spmd/noSuchNotification", "params": {}},
    "dollar_notification": {"jsonrpc": "2.0", "method": "$/noSuchThing", "params": {}},
    "cancel_unknown": {"jsonrpc": "2.0", "method": "$/cancelRequest", "params": {"id": 999999}},
    "params_wrong_type": {
        "jsonrpc": "2.0",
        "id": "w1",
        "method": "textDocument/hover",
        "params": "nope",
    },
    "params_missing": {"jsonrpc": "2.0", "id": "w2", "method": "textDocument/hover"},
    "position_negative": {
        "jsonrpc": "2.0",
        "id": "w3",
        "method": "textDocument/hover",
        "params": {
            "textDocument": {"uri": "file:///x.py"},
            "position": {"line": -1, "character": -5},
        },
    },
    "position_huge": {
        "jsonrpc": "2.0",
        "id": "w4",
        "method": "textDocument/hover",
        "params": {
            "textDocument": {"uri": "file:///x.py"},
            "position": {"line": 2**31 - 1, "character": 2**31 - 1},
        },
    },
    "position_not_int": {
        "jsonrpc": "2.0",
        "id": "w5",
        "method": "textDocument/hover",
        "params": {
            "textDocument": {"uri": "file:///x.py"},
            "position": {"line": "a", "character": 1.5},
        },
    },
    "uri_not_string": {
        "jsonrpc": "2.0",
        "id": "w6",
        "method": "textDocument/inlayHint",
        "params": {"textDocument": {"uri": 5}, "range": {}},
    },
    "method_not_string": {"jsonrpc": "2.0", "id": "w7", "method": 42},
    "id_object": {"jsonrpc": "2.0", "id": {"a": 1}, "method": "textDocument/hover", "params": {}},
    "change_unopened": {
        "jsonrpc": "2.0",
        "method": "textDocument/didChange",
        "params": {
            "textDocument": {"uri": "file:///never.py", "version": 3},
            "contentChanges": [
                {
                    "range": {
                        "start": {"line": 5, "character": 0},
                        "end": {"line": 1, "character": 0},
                    },
                    "text": "x",
                }
            ],
        },
    },
    "change_garbled": {
        "jsonrpc": "2.0",
        "method": "textDocument/didChange",
        "params": {"textDocument": {"uri": "file:///x.py"}, "contentChanges": 7},
    },
    "open_garbled": {
        "jsonrpc": "2.0",
        "method": "textDocument/didOpen",
        "params": {"textDocument": 5},
    },
    "close_unopened": {
        "jsonrpc": "2.0",
        "method": "textDocument/didClose",
        "params": {"textDocument": {"uri": "file:///never.py"}},
    },
    "configuration_garbage": {
        "jsonrpc": "2.0",
        "method": "workspace/didChangeConfiguration",
        "params": {"settings": [1, "x", None]},
    },
    "response_nobody_asked": {"jsonrpc": "2.0", "id": 424242, "result": {"x": 1}},
    "error_nobody_asked": {"jsonrpc": "2.0", "id": 424243, "error": {"code": 1, "message": "?"}},
    "initialize_twice": {
        "jsonrpc": "2.0",
        "id": "i2",
        "method": "initialize",
        "params": {"capabilities": {}},
    },
}


@pytest.mark.parametrize("name", sorted(BAD_MESSAGES))
def test_bad_messages(shared: RawServer, name: str) -> None:
    raw = shared
    message = BAD_MESSAGES[name]
    raw.send(message)
    if (
        "id" in message
        and "method" in message
        and isinstance(message.get("method"), str)
        and isinstance(message["id"], (int, str))
    ):
        reply = raw.response(message["id"])
        assert "error" in reply or "result" in reply, reply
        if name == "unknown_request":
            assert reply["error"]["code"] == -32601, reply  # MethodNotFound
        if name in (
            "params_wrong_type",
            "params_missing",
            "position_negative",
            "position_not_int",
            "uri_not_string",
        ):
            assert "error" in reply, reply  # InvalidParams, not a silent null
    raw.probe()
    assert raw.alive()
    CASES_RUN["bad_inputs"] += 1


def test_out_of_range_edits_and_requests(raw: RawServer, tmp_path: Path) -> None:
    _initialize(raw, tmp_path)
    uri = (tmp_path / "m.py").as_uri()
    raw.notify(
        "textDocument/didOpen",
        {
            "textDocument": {
                "uri": uri,
                "languageId": "python",
                "version": 1,
                "text": "import torch\nx = torch.randn(4)\n",
            }
        },
    )
    far = {"line": 10**6, "character": 10**6}
    changes = [
        {"range": {"start": far, "end": far}, "text": "\ny = 2\n"},  # past the end: appended
        {
            "range": {"start": {"line": 1, "character": 9999}, "end": {"line": 0, "character": 0}},
            "text": "z",
        },  # reversed
        {
            "range": {"start": {"line": 0, "character": 3}, "end": {"line": 0, "character": 3}},
            "text": "\ud83d\ude00",
        },
        {
            "range": {"start": {"line": 0, "character": 4}, "end": {"line": 0, "character": 5}},
            "text": "",
        },  # inside a pair
    ]
    for version, change in enumerate(changes, start=2):
        raw.notify(
            "textDocument/didChange",
            {"textDocument": {"uri": uri, "version": version}, "contentChanges": [change]},
        )
    for method, params in [
        ("textDocument/hover", {"textDocument": {"uri": uri}, "position": far}),
        (
            "textDocument/inlayHint",
            {
                "textDocument": {"uri": uri},
                "range": {"start": far, "end": {"line": 0, "character": 0}},
            },
        ),
        (
            "textDocument/codeAction",
            {
                "textDocument": {"uri": uri},
                "range": {"start": far, "end": far},
                "context": {
                    "diagnostics": [
                        {
                            "range": {"start": far, "end": far},
                            "message": "m",
                            "code": "spmd-syntax",
                            "source": "spmd",
                        }
                    ]
                },
            },
        ),
        ("textDocument/diagnostic", {"textDocument": {"uri": uri}}),
    ]:
        reply = raw.request(method, params)
        assert "result" in reply, (method, reply)
    raw.probe()


def test_huge_message(raw: RawServer, tmp_path: Path) -> None:
    _initialize(raw, tmp_path)
    text = "x = 1\n" * 1_000_000  # 6 MB
    raw.notify(
        "textDocument/didOpen",
        {
            "textDocument": {
                "uri": (tmp_path / "huge.py").as_uri(),
                "languageId": "python",
                "version": 1,
                "text": text,
            }
        },
    )
    raw.probe()


def test_exit_without_shutdown(raw: RawServer, tmp_path: Path) -> None:
    _initialize(raw, tmp_path)
    raw.notify("exit")
    assert raw.process.wait(20) is not None
