"""torch ships a copy of spmd_types as ``torch.distributed.spmd_types`` (newer torch releases;
torchtitan imports it). Code written against it is checked as code written against
``spmd_types``: the same errors, and registrations that count (a registered autograd
Function is not reported as unregistered). torch 2.13.0 has no such module, so the runtime
cannot judge these as cases."""

from __future__ import annotations

import pytest
from spmd_check.analysis import Analyzer

_PROGRAM = """\
import torch
import torch.nn.functional as F
{imports}
from torch.distributed.device_mesh import init_device_mesh


class Scale(torch.autograd.Function):
    @staticmethod
    def forward(ctx, x):
        return x * 2

    @staticmethod
    def backward(ctx, g):
        return g * 2


spmd.register_local_autograd_function(Scale)

mesh = init_device_mesh("cpu", (2, 4), mesh_dim_names=("dp", "tp"))
with spmd.set_current_mesh(mesh), typecheck():
    x = torch.randn(4, 8)
    spmd.assert_type(x, {{"dp": spmd.R, "tp": spmd.V}})
    y = Scale.apply(x)
    z = spmd.reinterpret(y, "tp", src=spmd.V, dst=spmd.P)
    F.gelu(z)
"""

_SPELLINGS = {
    "package": "import spmd_types as spmd\nfrom spmd_types.checker import typecheck",
    "torch copy": (
        "import torch.distributed.spmd_types as spmd\n"
        "from torch.distributed.spmd_types.checker import typecheck"
    ),
    "torch copy, from-import": (
        "from torch.distributed import spmd_types as spmd\n"
        "from torch.distributed.spmd_types import typecheck"
    ),
}


def _codes(imports: str) -> list[tuple[int, str]]:
    result = Analyzer().check("m.py", _PROGRAM.format(imports=imports))
    return sorted((d.span.line, d.code) for d in result.diagnostics)


@pytest.mark.parametrize("spelling", sorted(_SPELLINGS))
def test_the_torch_copy_is_checked_as_the_package(spelling: str) -> None:
    found = _codes(_SPELLINGS[spelling])
    assert [code for _, code in found] == ["spmd-partial-nonlinear"]
    assert found == _codes(_SPELLINGS["package"])
