# zero_ on a Replicate or Varying tensor keeps its type.
import torch
import spmd_types as spmd
from spmd_types import I, P, R, S, V
from spmd_types.checker import typecheck
from torch.distributed.device_mesh import init_device_mesh

mesh = init_device_mesh("cpu", (2, 4), mesh_dim_names=("dp", "tp"))
with spmd.set_current_mesh(mesh), typecheck():
    r = torch.randn(4, 8)
    spmd.assert_type(r, {"dp": R, "tp": R})
    r.zero_()
    reveal_type(r)  # T: {dp: R, tp: R}
    v = torch.randn(4, 8)
    spmd.assert_type(v, {"dp": V, "tp": R})
    v.fill_(1.0)
    reveal_type(v)  # T: {dp: V, tp: R}
