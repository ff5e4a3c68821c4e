# Axis names held in variables: reducing over TP first makes the matmul legal.
import torch
import spmd_types as spmd
from spmd_types import I, P, R, S, V
from spmd_types.checker import typecheck
from torch.distributed.device_mesh import init_device_mesh

DP = "dp"
TP = "tp"
mesh = init_device_mesh("cpu", (2, 4), mesh_dim_names=(DP, TP))
with spmd.set_current_mesh(mesh), typecheck():
    x = torch.randn(4, 8)
    spmd.assert_type(x, {DP: R, TP: P})
    w = torch.randn(8, 2)
    spmd.assert_type(w, {DP: R, TP: P})
    y = x @ spmd.all_reduce(w, TP, src=P, dst=R)
    reveal_type(y)  # T: {dp: R, tp: P}
