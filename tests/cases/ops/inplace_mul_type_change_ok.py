# p *= r keeps p Partial, so the in-place product is fine.
import torch
import spmd_types as spmd
from spmd_types import I, P, R, S, V
from spmd_types.checker import typecheck
from torch.distributed.device_mesh import init_device_mesh

mesh = init_device_mesh("cpu", (2, 4), mesh_dim_names=("dp", "tp"))
with spmd.set_current_mesh(mesh), typecheck():
    r = torch.ones(4, 8)
    p = torch.randn(4, 8)
    spmd.assert_type(p, {"dp": R, "tp": P})
    p *= r
    reveal_type(p)  # T: {dp: R, tp: P}
    p *= 0.5
    reveal_type(p)  # T: {dp: R, tp: P}
