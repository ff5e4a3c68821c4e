"""The VS Code extension's contract with the rest of the project: it contributes every editor
setting docs/configuration.md lists, and it bundles every runtime dependency of the server
(pure Python only), so that it runs with nothing installed but a Python 3.11+."""

from __future__ import annotations

import importlib.metadata
import json
import re
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest
from packaging.requirements import Requirement

ROOT = Path(__file__).resolve().parents[2]
EXTENSION = ROOT / "vscode-extension"


def _editor_keys() -> list[str]:
    text = (ROOT / "docs" / "configuration.md").read_text(encoding="utf-8")
    table = text.split("## Keys", 1)[1].split("\n\n", 2)[1]
    keys = []
    for row in table.splitlines()[2:]:
        cell = row.split("|")[1].strip()
        if cell.startswith("`"):
            keys.append(cell.strip("`"))
    return keys


def test_every_documented_setting_is_contributed() -> None:
    keys = _editor_keys()
    assert {"meshAxes", "strictMode", "ignore", "inlayHints", "logLevel"} <= set(keys)
    package = json.loads((EXTENSION / "package.json").read_text(encoding="utf-8"))
    contributed = package["contributes"]["configuration"]["properties"]
    missing = [k for k in keys if f"spmdTypes.{k}" not in contributed]
    assert not missing, f"documented in docs/configuration.md, missing in package.json: {missing}"


def test_ignore_setting_lists_the_codes() -> None:
    from spmd_check.codes import CODES

    package = json.loads((EXTENSION / "package.json").read_text(encoding="utf-8"))
    setting = package["contributes"]["configuration"]["properties"]["spmdTypes.ignore"]
    assert setting["items"]["enum"] == list(CODES)


def _bundled() -> dict[str, str]:
    pins: dict[str, str] = {}
    for line in (EXTENSION / "requirements.txt").read_text().splitlines():
        line = line.split("#", 1)[0].strip()
        if line:
            name, _, version = line.partition("==")
            pins[re.sub(r"[-_.]+", "-", name).lower()] = version
    return pins


def _runtime_closure(requirements: list[Requirement]) -> dict[str, list[Requirement]]:
    """The distributions the server needs at run time on Python >= 3.11 (no extras), each
    with the requirements that name it (read from the installed metadata)."""
    found: dict[str, list[Requirement]] = {}
    todo = list(requirements)
    while todo:
        requirement = todo.pop()
        name = re.sub(r"[-_.]+", "-", requirement.name).lower()
        known = name in found
        found.setdefault(name, []).append(requirement)
        if known:
            continue
        for raw in importlib.metadata.requires(name) or []:
            needed = Requirement(raw)
            marker = needed.marker
            if marker is not None and not marker.evaluate({"extra": "", "python_version": "3.11"}):
                continue
            todo.append(needed)
    return found


def test_the_bundle_covers_the_runtime_dependencies() -> None:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    direct = [Requirement(r) for r in project["dependencies"]]
    assert "libcst" not in {r.name for r in direct}  # nothing imports it
    closure = _runtime_closure(direct)
    pins = _bundled()
    assert set(closure) == set(pins), (
        f"bundle {sorted(pins)} != runtime dependencies {sorted(closure)}"
    )
    for name, version in pins.items():
        for requirement in closure[name]:
            assert requirement.specifier.contains(version, prereleases=True), (
                f"bundled {name}=={version} does not satisfy {requirement}"
            )
        files = importlib.metadata.files(name) or []
        native = [str(f) for f in files if str(f).endswith((".so", ".pyd", ".dylib"))]
        assert not native, f"{name} has native files: {native}"


def test_nothing_imports_libcst() -> None:
    run = subprocess.run(
        [
            sys.executable,
            "-c",
            "import sys, spmd_check.cli, spmd_check.analysis, spmd_lsp.protocol; "
            "print('libcst' in sys.modules)",
        ],
        capture_output=True,
        text=True,
        check=True,
    )
    assert run.stdout.strip() == "False"


def test_launcher_refuses_an_old_python_clearly(tmp_path: Path) -> None:
    """The launcher's version check must run on any Python 3: no newer syntax before it."""
    source = (EXTENSION / "bundled" / "tool" / "launch.py").read_text()
    head = source.split("LIBS =", 1)[0]
    assert "f'" not in head and 'f"' not in head and ":=" not in head
    fake = tmp_path / "launch.py"
    fake.write_text(source.replace("MINIMUM = (3, 11)", "MINIMUM = (99, 0)"))
    run = subprocess.run([sys.executable, str(fake), "--probe"], capture_output=True, text=True)
    assert run.returncode == 3
    assert run.stderr.startswith("spmd-lsp needs Python 99.0 or newer; ")


def test_launcher_runs_the_bundle(tmp_path: Path) -> None:
    """With bundled/libs built (npm run package), the launcher starts the server from it."""
    libs = EXTENSION / "bundled" / "libs"
    if not (libs / "spmd_lsp").is_dir():
        pytest.skip("bundled/libs is not built (npm run bundle:python in vscode-extension)")
    run = subprocess.run(
        [sys.executable, "-s", str(EXTENSION / "bundled" / "tool" / "launch.py"), "--probe"],
        capture_output=True,
        text=True,
        check=True,
    )
    info = json.loads(run.stdout)
    assert info["libs"] == str(libs) and info["spmd_lsp"]
