"""Where the benchmarked programs are: next to this Python (the venv the project and
bench/requirements.txt were installed into), else on PATH. No fixed machine paths."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path


def find(name: str) -> str:
    beside = Path(sys.executable).parent / name
    if beside.exists():
        return str(beside)
    found = shutil.which(name)
    if found is None:
        raise SystemExit(
            f"{name} not found next to {sys.executable} or on PATH: "
            "pip install -e . -r bench/requirements.txt into this Python's venv"
        )
    return found


def version(command: list[str]) -> str:
    try:
        done = subprocess.run(command, capture_output=True, text=True, timeout=60, check=False)
    except OSError as error:
        return f"unavailable ({error})"
    return (
        (done.stdout or done.stderr).strip().splitlines()[0] if done.stdout or done.stderr else "?"
    )
