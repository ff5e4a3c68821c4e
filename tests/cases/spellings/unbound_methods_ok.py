# Tensor methods called unbound (torch.Tensor.add(a, b)) with two Partial operands.
import torch
import spmd_types as spmd
from spmd_types import I, P, R, S, V
from spmd_types.checker import typecheck
from torch.distributed.device_mesh import init_device_mesh

mesh = init_device_mesh("cpu", (2, 4), mesh_dim_names=("dp", "tp"))
with spmd.set_current_mesh(mesh), typecheck():
    p = torch.randn(4, 8)
    spmd.assert_type(p, {"dp": R, "tp": P})
    q = torch.randn(4, 8)
    spmd.assert_type(q, {"dp": R, "tp": P})
    reveal_type(torch.Tensor.add(p, q))  # T: {dp: R, tp: P}
    reveal_type(p.__add__(q))  # T: {dp: R, tp: P}
