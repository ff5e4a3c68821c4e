"""Small generated workspaces for the tests of the on-disk cache and of parallel checks:
several packages whose modules import each other, errors found inside another file's
functions, reveals, fixes, a syntax error and files that never touch spmd_types."""

from __future__ import annotations

from pathlib import Path

HEADER = """import torch
import spmd_types as spmd
from spmd_types import I, P, R, V
from spmd_types.checker import typecheck
from torch.distributed.device_mesh import init_device_mesh
"""

LAYERS = '''"""Helpers the other modules call: an error inside one is found from its caller."""
import torch
import spmd_types as spmd
from spmd_types import I, P, R


def act(t):
    return torch.relu(t)


def reduce(t, tp):
    return spmd.all_reduce(t, tp, src=P, dst=R)


def scale(t):
    return t * 2
'''

SCRIPT = (
    HEADER
    + """from {package}.layers import act, reduce, scale

mesh = init_device_mesh("cpu", (2, 4), mesh_dim_names=("dp", "tp"))
with spmd.set_current_mesh(mesh), typecheck():
    x = torch.randn(4, 8)
    spmd.assert_type(x, {{"dp": R, "tp": P}})
    reveal_type(x)
    y = scale(x)
    z = {call}
    reveal_type(z)
"""
)

LIBRARY = (
    HEADER
    + """from . import layers


class Block(torch.nn.Module):
    def __init__(self, tp):
        super().__init__()
        self.tp = tp

    def forward(self, x):
        spmd.assert_type(x, {{self.tp: P}})
        h = layers.scale(x)
        return {body}
"""
)

CLEAN = '''"""A module that never touches spmd_types."""
import os


def name() -> str:
    return os.path.basename(__file__)
'''

BROKEN = "def broken(:\n    pass\n\nx = 1\n"


def generate(root: Path, packages: int = 3, modules: int = 3) -> list[Path]:
    """Write the workspace under ``root``; the files written, in order."""
    written: list[Path] = []

    def write(path: Path, text: str) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        written.append(path)

    for k in range(packages):
        package = f"pkg{k}"
        folder = root / package
        write(folder / "__init__.py", "")
        write(folder / "layers.py", LAYERS)
        for m in range(modules):
            # every third module has an error: inside layers.act (found from here), or a
            # Partial through relu here (with a fix), or none
            kind = (k + m) % 3
            call = ("act(y)", "torch.relu(y)", "reduce(y, 'tp')")[kind]
            write(folder / f"train_{m}.py", SCRIPT.format(package=package, call=call))
            body = ("layers.act(h)", "torch.relu(h)", "layers.reduce(h, self.tp)")[kind]
            write(folder / f"block_{m}.py", LIBRARY.format(body=body))
        write(folder / "util.py", CLEAN)
    write(root / "broken.py", BROKEN)
    write(root / "script.py", SCRIPT.format(package="pkg0", call="act(y)"))
    return written
