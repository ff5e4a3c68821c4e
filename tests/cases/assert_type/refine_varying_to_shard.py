"""V then S(1) is a refinement: the shard dim is recorded; S(1) then V keeps it."""
import torch
import spmd_types as spmd
from spmd_types import I, P, R, S, V
from spmd_types.checker import typecheck
from torch.distributed.device_mesh import init_device_mesh

mesh = init_device_mesh("cpu", (2, 4), mesh_dim_names=("dp", "tp"))
with spmd.set_current_mesh(mesh), typecheck():
    x = torch.randn(4, 8, requires_grad=True)
    spmd.assert_type(x, {"dp": R, "tp": V})
    spmd.assert_type(x, {"tp": S(1)})
    reveal_type(x)  # T: {dp: R, tp: S(1)}
    spmd.assert_type(x, {"tp": V})
    reveal_type(x)  # T: {dp: R, tp: S(1)}
