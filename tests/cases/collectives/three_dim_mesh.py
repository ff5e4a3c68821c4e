"""A (2, 2, 2) mesh dp/cp/tp: a collective on cp changes only cp."""
import torch
import spmd_types as spmd
from spmd_types import I, P, R, S, V
from spmd_types.checker import typecheck
from torch.distributed.device_mesh import init_device_mesh

mesh = init_device_mesh("cpu", (2, 2, 2), mesh_dim_names=("dp", "cp", "tp"))
with spmd.set_current_mesh(mesh), typecheck():
    x = torch.randn(2, 8, requires_grad=True)
    spmd.assert_type(x, {"dp": V, "cp": P, "tp": R})
    y = spmd.all_reduce(x, "cp", dst=R)
    reveal_type(y)  # T: {dp: V, cp: R, tp: R}
    z = spmd.convert(y, "tp", src=R, dst=V)
    reveal_type(z)  # T: {dp: V, cp: R, tp: V}
