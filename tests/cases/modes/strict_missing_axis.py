"""Strict mode: mixing a randn tensor (typed on no axis) with a typed one is a missing axis."""
import torch
import spmd_types as spmd
from spmd_types import I, P, R, S, V
from spmd_types.checker import typecheck
from torch.distributed.device_mesh import init_device_mesh

mesh = init_device_mesh("cpu", (2, 4), mesh_dim_names=("dp", "tp"))
with spmd.set_current_mesh(mesh), typecheck():
    x = torch.randn(8, 16, requires_grad=True)
    spmd.assert_type(x, {"dp": R, "tp": R})
    reveal_type(x)  # T: {dp: R, tp: R}
    y = torch.randn(8, 16)
    reveal_type(y)  # T: {}
    z = x + y  # E: spmd-missing-axis "missing axis dp"
