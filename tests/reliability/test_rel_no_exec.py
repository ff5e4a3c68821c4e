"""No code execution: the server and spmd-check read workspace files, never import or run
them. Files whose import (or running) would write a marker file are opened, imported in
every spelling, scanned and checked; the marker never appears."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from lsp_harness import Server, wait_for

HEAD = "import torch\nimport spmd_types as spmd\nfrom spmd_types import P, R\n"


def _write(root: Path, marker: Path) -> dict[str, str]:
    payload = f"open({str(marker)!r}, 'a').write(__name__ + '\\n')\n"
    files = {
        "evil.py": "import spmd_types\n"
        + payload
        + "def f(x):\n    return x\nclass C:\n    "
        + payload.replace("\n", "\n    ")
        + "\n",
        "pkg/__init__.py": "import spmd_types\n" + payload,
        "pkg/layers.py": "import spmd_types\nfrom . import helpers\n"
        + payload
        + "def g(x):\n    return x\n",
        "pkg/helpers.py": payload,
        "conftest.py": payload,
        "setup.py": payload,
        "sitecustomize.py": payload,
        "usercustomize.py": payload,
        "__main__.py": payload,
        "user.py": HEAD
        + "import evil\nfrom evil import f, C\nfrom pkg.layers import g\nimport pkg\nimport importlib\n"
        "importlib.import_module('evil')\n__import__('pkg.helpers')\nexec(open('evil.py').read())\n"
        "x = torch.randn(4)\nspmd.assert_type(x, {'tp': P})\ny = torch.relu(f(g(x)))\nc = C()\n",
        "pyproject.toml": "[tool.spmd-check]\nmesh-axes = ['tp']\n",
    }
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    (root / "evil.pth").write_text(
        f"import os; open({str(marker)!r}, 'a').write('pth\\n')\n", encoding="utf-8"
    )
    return files


def test_nothing_runs(tmp_path: Path) -> None:
    workspace = tmp_path / "ws"
    workspace.mkdir()
    marker = tmp_path / "MARKER"
    files = _write(workspace, marker)
    server = Server(workspace, {"spmdTypes": {"inlayHints": True}}, scan=True)
    try:
        for name in ("user.py", "evil.py", "pkg/layers.py", "pkg/__init__.py"):
            uri = server.uri(name)
            version = server.open(uri, files[name])
            server.diagnostics(uri, version)
            server.hover(
                uri,
                __import__("lsprotocol.types", fromlist=["Position"]).Position(line=4, character=1),
            )
        wait_for(lambda: bool(server.publishes(server.uri("evil.py"), since_open=False)), server)
        server.settle(0.5)
        assert server.alive()
    finally:
        server.stop()
    cli = subprocess.run(
        [sys.executable, "-m", "spmd_check.cli", str(workspace)],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=tmp_path,
    )
    assert cli.returncode in (0, 1), cli.stderr[-2000:]
    assert not marker.exists(), marker.read_text()
