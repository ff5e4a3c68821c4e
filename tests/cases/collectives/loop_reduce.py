"""A collective in a loop: each iteration reduces a fresh Partial value."""
import torch
import spmd_types as spmd
from spmd_types import I, P, R, S, V
from spmd_types.checker import typecheck
from torch.distributed.device_mesh import init_device_mesh

mesh = init_device_mesh("cpu", (2, 4), mesh_dim_names=("dp", "tp"))
with spmd.set_current_mesh(mesh), typecheck():
    acc = torch.zeros(4, 8)
    for _ in range(2):
        x = torch.randn(4, 8, requires_grad=True)
        spmd.assert_type(x, {"dp": R, "tp": P})
        acc = acc + spmd.all_reduce(x, "tp", dst=R)
        reveal_type(acc)  # T: {dp: R, tp: R}
