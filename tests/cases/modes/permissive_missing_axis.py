"""Permissive mode lets an untyped randn tensor mix with a typed one; the typed operand's type wins."""
import torch
import spmd_types as spmd
from spmd_types import I, P, R, S, V
from spmd_types.checker import typecheck
from torch.distributed.device_mesh import init_device_mesh

mesh = init_device_mesh("cpu", (2, 4), mesh_dim_names=("dp", "tp"))
with spmd.set_current_mesh(mesh), typecheck(strict_mode="permissive"):
    x = torch.randn(8, 16, requires_grad=True)
    spmd.assert_type(x, {"dp": R, "tp": R})
    y = torch.randn(8, 16)
    z = x + y
    reveal_type(z)  # T: {dp: R, tp: R}
