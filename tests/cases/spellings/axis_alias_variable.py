# A variable aliasing a process-group axis (axis = tp) and a dict of types built beforehand.
import torch
import spmd_types as spmd
from spmd_types import I, P, R, S, V
from spmd_types.checker import typecheck
from torch.distributed.device_mesh import init_device_mesh

mesh = init_device_mesh("cpu", (2, 4), mesh_dim_names=("dp", "tp"))
tp = mesh.get_group("tp")
axis = tp
types = {"dp": R, axis: P}
with spmd.set_current_mesh(mesh), typecheck():
    x = torch.randn(4, 8)
    spmd.assert_type(x, types)
    reveal_type(x)  # T: {dp: R, tp: P}
    y = spmd.all_reduce(x, axis=axis, dst=R)
    reveal_type(y)  # T: {dp: R, tp: R}
