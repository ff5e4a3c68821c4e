"""Smoke tests of bench/: the generators write valid Python, and the LSP harness's framing
and scenarios work against the floor server. No timing is asserted: speed lives in
benchmarks (bench/run.py), never in test assertions."""

from __future__ import annotations

import ast
import asyncio
import json
import sys
from pathlib import Path

import pytest

from bench import gen_module, gen_workspace
from bench.lsp import jsonrpc, scenarios

FLOOR = Path(__file__).resolve().parents[2] / "bench" / "lsp" / "floor_server.py"


def test_gen_module_is_valid_python_of_exactly_n_lines() -> None:
    text = gen_module.generate(2000, seed=3)
    ast.parse(text)
    assert text.count("\n") == 2000
    assert text == gen_module.generate(2000, seed=3)  # deterministic
    assert text.count("# planted: spmd-") == 1


def test_gen_workspace_is_valid_python(tmp_path: Path) -> None:
    summary = gen_workspace.generate(tmp_path / "ws", lines=6000)
    files = list((tmp_path / "ws").rglob("*.py"))
    assert len(files) == summary["files"]
    for path in files:
        ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    model = tmp_path / "ws" / gen_workspace.MODEL_FILE
    assert model.read_text(encoding="utf-8").count("\n") == gen_workspace.MODEL_FILE_LINES
    recorded = json.loads((tmp_path / "ws" / "workspace.json").read_text(encoding="utf-8"))
    assert recorded["planted"], "a planted error to find"


def test_framing_round_trip() -> None:
    async def read_all(data: bytes) -> list[tuple[jsonrpc.Message, int]]:
        reader = asyncio.StreamReader()
        reader.feed_data(data)
        reader.feed_eof()
        found = []
        while (item := await jsonrpc.read(reader)) is not None:
            found.append(item)
        return found

    first = {"jsonrpc": "2.0", "id": 1, "result": {"text": "é → ∑"}}  # bytes != characters
    second = {"jsonrpc": "2.0", "method": "exit"}
    extra_header = jsonrpc.encode(second).replace(
        b"\r\n\r\n", b"\r\nContent-Type: application/vscode-jsonrpc; charset=utf-8\r\n\r\n"
    )
    found = asyncio.run(read_all(jsonrpc.encode(first) + extra_header))
    assert [message for message, _ in found] == [first, second]
    assert found[0][1] == len(json.dumps(first, separators=(",", ":"), ensure_ascii=False).encode())
    with pytest.raises(jsonrpc.FramingError):
        asyncio.run(read_all(b"Content-Type: x\r\n\r\n{}"))


@pytest.mark.parametrize("pull", [False, True], ids=["push", "pull"])
def test_harness_against_the_floor_server(tmp_path: Path, pull: bool) -> None:
    path = tmp_path / "module.py"
    path.write_text(
        "def scale(x, factor):\n    y = x * factor\n    z = y + x\n    return z\n",
        encoding="utf-8",
    )
    settings = scenarios.Settings(edits=3, hovers=2, gap=0.0, edit_timeout=30.0)
    command = [sys.executable, str(FLOOR)]
    result = asyncio.run(
        scenarios.module_run(command, path, pull, settings, tmp_path / "floor.log")
    )
    assert "error" not in result, result
    assert result["cold_ms"] is not None
    assert len(result["keystroke_ms"]) == 3 and None not in result["keystroke_ms"]
    assert result["hover_answered"] == 2
    assert result["incremental_sync"]


def test_real_edits_types_into_every_file_that_uses_spmd_types(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from bench import real_edits

    examples = Path(__file__).parents[2] / "examples"
    target = tmp_path / "src"
    for path in examples.rglob("*.py"):
        copy = target / path.relative_to(examples)
        copy.parent.mkdir(parents=True, exist_ok=True)
        copy.write_text(path.read_text(encoding="utf-8"), encoding="utf-8")
    out = tmp_path / "samples.json"
    monkeypatch.setattr(
        sys, "argv", ["real_edits", str(target), "--edits", "2", "--json", str(out)]
    )
    real_edits.main()
    samples = json.loads(out.read_text())
    assert samples["keystrokes"] and all(len(t) == 2 for t in samples["keystrokes"].values())
    assert "keystroke check, ms: p50" in capsys.readouterr().out
