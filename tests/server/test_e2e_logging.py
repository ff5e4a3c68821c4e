"""The server's log reaches the editor at the right level: ``window/logMessage`` with the type
of each record's level once the client has connected (stderr, which VS Code files as errors,
only before that), pygls' warnings about a client's routine kept out; the start-up line says
which spmd-types the checker models, and another installed version is one warning."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from conftest import FAKE, SERVER, Session, wait_until
from lsprotocol import types

HERE = Path(__file__).parent


def _logged(session: Session) -> list[types.LogMessageParams]:
    return list(session.client.log_messages)


async def test_startup_line_and_levels(session: Session) -> None:
    await session.start(init_options={"spmdTypes": {"meshAxes": 3}})
    await wait_until(lambda: any("models spmd-types 0.3.1" in m.message for m in _logged(session)))
    (startup,) = [m for m in _logged(session) if "models spmd-types 0.3.1" in m.message]
    assert startup.type == types.MessageType.Info
    assert "spmd-types installed here: 0.3.1" in startup.message
    # a warning of the server's own: a warning in the editor's log (and shown once)
    await wait_until(lambda: any("invalid setting" in m.message for m in _logged(session)))
    (invalid,) = [m for m in _logged(session) if "invalid setting" in m.message]
    assert invalid.type == types.MessageType.Warning
    assert not [m for m in session.client.messages if "spmd-types" in m.message]  # no mismatch

    # a client cancelling a request that was answered already: routine, not a warning
    session.client.protocol.notify(types.CANCEL_REQUEST, types.CancelParams(id=424242))
    uri = session.open("x = 1\n")
    await session.diagnostics(uri, 1)  # a round trip after the cancellation
    assert not [m for m in _logged(session) if "Cancel notification" in m.message]
    assert all(m.type != types.MessageType.Error for m in _logged(session))


def _frame(message: dict[str, object]) -> bytes:
    body = json.dumps(message).encode("utf-8")
    return f"Content-Length: {len(body)}\r\n\r\n".encode("ascii") + body


def _messages(stdout: bytes) -> list[dict[str, object]]:
    out = []
    while stdout:
        header, _, rest = stdout.partition(b"\r\n\r\n")
        length = int(header.split(b"Content-Length:")[1].split(b"\r\n")[0])
        out.append(json.loads(rest[:length]))
        stdout = rest[length:]
    return out


def _session_over_stdio(env: dict[str, str]) -> tuple[list[dict[str, object]], str]:
    """A whole session, frame by frame: what the server wrote to stdout, and its stderr."""
    requests = [
        {"jsonrpc": "2.0", "id": 1, "method": "initialize", "params": {"capabilities": {}}},
        {"jsonrpc": "2.0", "method": "initialized", "params": {}},
        {"jsonrpc": "2.0", "method": "$/cancelRequest", "params": {"id": 77}},
        {"jsonrpc": "2.0", "method": "$/somethingOptional", "params": {}},
        {"jsonrpc": "2.0", "id": 2, "method": "shutdown"},
        {"jsonrpc": "2.0", "method": "exit"},
    ]
    done = subprocess.run(
        [*SERVER, "--no-workspace-scan"],
        input=b"".join(_frame(r) for r in requests),
        capture_output=True,
        env=env,
        timeout=60,
    )
    return _messages(done.stdout), done.stderr.decode("utf-8", errors="replace")


def test_nothing_on_stderr_once_connected() -> None:
    """VS Code writes a server's stderr to its output channel as errors: after initialize the
    log goes to the client instead, and pygls' routine warnings nowhere."""
    messages, stderr = _session_over_stdio(dict(FAKE.server_env or os.environ))
    assert stderr == ""
    logged = [m["params"] for m in messages if m.get("method") == "window/logMessage"]
    assert [p["type"] for p in logged if "models spmd-types" in p["message"]] == [3]  # Info
    assert not [p for p in logged if "Cancel notification" in p["message"]]
    assert not [p for p in logged if "somethingOptional" in p["message"]]


def test_another_installed_spmd_types_is_one_warning(tmp_path: Path) -> None:
    """A spmd-types 9.9.9 first on the server's path: one showMessage warning naming both
    versions, and the start-up line says which is installed."""
    dist = tmp_path / "spmd_types-9.9.9.dist-info"
    dist.mkdir()
    (dist / "METADATA").write_text(
        "Metadata-Version: 2.1\nName: spmd-types\nVersion: 9.9.9\n", encoding="utf-8"
    )
    env = dict(FAKE.server_env or os.environ)
    env["PYTHONPATH"] = os.pathsep.join([str(tmp_path), env.get("PYTHONPATH", "")])
    messages, stderr = _session_over_stdio(env)
    shown = [m["params"] for m in messages if m.get("method") == "window/showMessage"]
    assert len(shown) == 1 and shown[0]["type"] == 2  # Warning
    assert "spmd-types 9.9.9 is installed" in shown[0]["message"]
    assert "models spmd-types 0.3.1" in shown[0]["message"]
    logged = [m["params"]["message"] for m in messages if m.get("method") == "window/logMessage"]
    assert any("spmd-types installed here: 9.9.9" in m for m in logged)
    assert stderr == ""


def test_before_initialize_the_log_is_on_stderr() -> None:
    env = dict(FAKE.server_env or os.environ)
    done = subprocess.run(
        [sys.executable, "-m", "spmd_lsp", "--log-level", "debug", "--no-workspace-scan"],
        input=_frame({"jsonrpc": "2.0", "method": "exit"}),
        capture_output=True,
        env=env,
        timeout=60,
    )
    assert "Starting async IO server" in done.stderr.decode("utf-8", errors="replace")
