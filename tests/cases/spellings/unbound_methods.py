# Tensor methods called unbound (torch.Tensor.add(a, b)) and as dunders (a.__mul__(b)).
import torch
import spmd_types as spmd
from spmd_types import I, P, R, S, V
from spmd_types.checker import typecheck
from torch.distributed.device_mesh import init_device_mesh

mesh = init_device_mesh("cpu", (2, 4), mesh_dim_names=("dp", "tp"))
with spmd.set_current_mesh(mesh), typecheck():
    p = torch.randn(4, 8)
    spmd.assert_type(p, {"dp": R, "tp": P})
    r = torch.randn(4, 8)
    spmd.assert_type(r, {"dp": R, "tp": R})
    reveal_type(torch.Tensor.mul(p, r))  # T: {dp: R, tp: P}
    reveal_type(p.__mul__(r))  # T: {dp: R, tp: P}
    y = torch.Tensor.add(p, r)  # E: spmd-partial-affine
