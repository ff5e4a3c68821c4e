"""A 1-d mesh of 4 ranks named tp: all_gather V -> R then all_reduce of a V-derived partial."""
import torch
import spmd_types as spmd
from spmd_types import I, P, R, S, V
from spmd_types.checker import typecheck
from torch.distributed.device_mesh import init_device_mesh

mesh = init_device_mesh("cpu", (4,), mesh_dim_names=("tp",))
with spmd.set_current_mesh(mesh), typecheck():
    x = torch.randn(4, 8, requires_grad=True)
    spmd.assert_type(x, {"tp": V})
    y = spmd.all_gather(x, "tp", dst=R)
    reveal_type(y)  # T: {tp: R}
    z = spmd.all_reduce(x, "tp", src=V, dst=I)
    reveal_type(z)  # T: {tp: I}
