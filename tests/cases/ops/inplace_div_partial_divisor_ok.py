# p /= r divides a Partial numerator in place and stays Partial.
import torch
import spmd_types as spmd
from spmd_types import I, P, R, S, V
from spmd_types.checker import typecheck
from torch.distributed.device_mesh import init_device_mesh

mesh = init_device_mesh("cpu", (2, 4), mesh_dim_names=("dp", "tp"))
with spmd.set_current_mesh(mesh), typecheck():
    r = torch.ones(4, 8)
    spmd.assert_type(r, {"dp": R, "tp": R})
    p = torch.rand(4, 8)
    spmd.assert_type(p, {"dp": R, "tp": P})
    p /= r
    reveal_type(p)  # T: {dp: R, tp: P}
    p.div_(2.0)
    reveal_type(p)  # T: {dp: R, tp: P}
