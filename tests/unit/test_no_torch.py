"""The checker and the server never import torch (nor spmd_types): shown with -X importtime."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


def _imported_modules(code: str) -> set[str]:
    run = subprocess.run(
        [sys.executable, "-X", "importtime", "-c", code], capture_output=True, text=True, check=True
    )
    modules = set()
    for line in run.stderr.splitlines():
        if line.startswith("import time:") and "|" in line:
            modules.add(line.rsplit("|", 1)[-1].strip())
    return modules


def test_checker_run_imports_no_torch() -> None:
    modules = _imported_modules(
        f"from spmd_check.cli import main; import sys; sys.argv = ['spmd-check', {str(EXAMPLES)!r}];"
        "import contextlib, io\nwith contextlib.redirect_stdout(io.StringIO()): main(["
        + repr(str(EXAMPLES))
        + "])"
    )
    assert "spmd_check.infer" in modules  # the run did load the checker
    assert not {m for m in modules if m == "torch" or m.startswith(("torch.", "spmd_types"))}


def test_server_start_imports_no_torch() -> None:
    modules = _imported_modules("import spmd_lsp.main, spmd_lsp.server")
    assert "spmd_lsp.server" in modules
    assert not {m for m in modules if m == "torch" or m.startswith(("torch.", "spmd_types"))}
