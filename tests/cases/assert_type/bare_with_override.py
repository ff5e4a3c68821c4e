"""A bare type fills only the axes nothing else names: R with {tp: V}, and P with {dp: S(0)}."""
import torch
import spmd_types as spmd
from spmd_types import I, P, R, S, V
from spmd_types.checker import typecheck
from torch.distributed.device_mesh import init_device_mesh

mesh = init_device_mesh("cpu", (2, 4), mesh_dim_names=("dp", "tp"))
with spmd.set_current_mesh(mesh), typecheck():
    x = torch.randn(4, 8, requires_grad=True)
    spmd.assert_type(x, R, {"tp": V})
    reveal_type(x)  # T: {dp: R, tp: V}
    y = torch.randn(4, 8, requires_grad=True)
    spmd.assert_type(y, {"dp": S(0)}, P)
    reveal_type(y)  # T: {dp: S(0), tp: P}
