"""assert_type on a list applies the type to every element."""
import torch
import spmd_types as spmd
from spmd_types import I, P, R, S, V
from spmd_types.checker import typecheck
from torch.distributed.device_mesh import init_device_mesh

mesh = init_device_mesh("cpu", (2, 4), mesh_dim_names=("dp", "tp"))
with spmd.set_current_mesh(mesh), typecheck():
    a = torch.randn(4, 8, requires_grad=True)
    b = torch.randn(4, 8, requires_grad=True)
    spmd.assert_type([a, b], {"dp": R, "tp": V})
    reveal_type(a)  # T: {dp: R, tp: V}
    reveal_type(b)  # T: {dp: R, tp: V}
    c = a + b
    reveal_type(c)  # T: {dp: R, tp: V}
