"""Fill bundled/libs with spmd-lsp and its pure-Python dependencies (run by `npm run package`).

The extension runs `<the user's Python> bundled/tool/launch.py`, which puts bundled/libs
first on sys.path, the way Microsoft's Python tool extensions (black-formatter, isort) ship
their tool. Everything bundled is pure Python, so one bundle serves every platform and every
Python >= 3.11:

- spmd_check and spmd_lsp, copied from ../checker and ../server (with docs/diagnostics.md,
  which `--explain` and the hovers' links read);
- the wheels pinned in requirements.txt (pygls, lsprotocol, cattrs, attrs, typing_extensions),
  installed with --only-binary :all: --implementation py, so that a dependency that grew a
  native part fails the build instead of shipping a wheel for this machine only.

The checker itself needs only the standard library (libcst is not a runtime dependency).
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent.parent  # vscode-extension/
REPO = HERE.parent
LIBS = HERE / "bundled" / "libs"
IGNORE = shutil.ignore_patterns("__pycache__", "*.pyc", "*.pyo")


def main() -> int:
    if sys.version_info < (3, 11):
        print("bundle_python.py: run it with Python 3.11 or newer", file=sys.stderr)
        return 2
    if LIBS.exists():
        shutil.rmtree(LIBS)
    LIBS.mkdir(parents=True)
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "install",
            "--quiet",
            "--disable-pip-version-check",
            "--no-compile",
            "--no-deps",
            "--only-binary",
            ":all:",
            "--implementation",
            "py",
            "--python-version",
            "3.11",
            "--target",
            str(LIBS),
            "--requirement",
            str(HERE / "requirements.txt"),
        ],
        check=True,
    )
    for package, folder in (("spmd_check", "checker"), ("spmd_lsp", "server")):
        shutil.copytree(REPO / folder, LIBS / package, ignore=IGNORE)
    shutil.copy2(REPO / "docs" / "diagnostics.md", LIBS / "spmd_check" / "diagnostics.md")
    for stray in LIBS.glob("bin"):
        shutil.rmtree(stray)
    native = [p for p in LIBS.rglob("*") if p.suffix in (".so", ".pyd", ".dylib")]
    if native:
        print(f"bundle_python.py: native files in the bundle: {native}", file=sys.stderr)
        return 1
    packages = sorted(p.name for p in LIBS.iterdir() if p.is_dir() and "." not in p.name)
    print(f"bundled/libs: {', '.join(packages)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
