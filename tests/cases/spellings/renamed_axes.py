# Mesh axes with other names ("data", "model"): expectations use those names.
import torch
import spmd_types as spmd
from spmd_types import I, P, R, S, V
from spmd_types.checker import typecheck
from torch.distributed.device_mesh import init_device_mesh

mesh = init_device_mesh("cpu", (2, 4), mesh_dim_names=("data", "model"))
with spmd.set_current_mesh(mesh), typecheck():
    x = torch.randn(4, 8)
    spmd.assert_type(x, {"data": V, "model": P})
    reveal_type(x.sum(0))  # T: {data: V, model: P}
    y = spmd.all_reduce(x, "model", src=P, dst=R)
    reveal_type(y)  # T: {data: V, model: R}
