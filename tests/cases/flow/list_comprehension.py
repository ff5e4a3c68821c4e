# A list comprehension scaling Partial tensors feeds torch.cat: the result is Partial.
import torch
import spmd_types as spmd
from spmd_types import I, P, R, S, V
from spmd_types.checker import typecheck
from torch.distributed.device_mesh import init_device_mesh

mesh = init_device_mesh("cpu", (2, 4), mesh_dim_names=("dp", "tp"))
with spmd.set_current_mesh(mesh), typecheck():
    a = torch.randn(4, 8)
    spmd.assert_type(a, {"dp": R, "tp": P})
    b = torch.randn(4, 8)
    spmd.assert_type(b, {"dp": R, "tp": P})
    parts = [t * 0.5 for t in (a, b)]
    reveal_type(parts[0])  # T: {dp: R, tp: P}
    reveal_type(torch.cat(parts, dim=1))  # T: {dp: R, tp: P}
