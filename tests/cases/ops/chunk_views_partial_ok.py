# Adding two Partial pieces of a split is Partial.
import torch
import spmd_types as spmd
from spmd_types import I, P, R, S, V
from spmd_types.checker import typecheck
from torch.distributed.device_mesh import init_device_mesh

mesh = init_device_mesh("cpu", (2, 4), mesh_dim_names=("dp", "tp"))
with spmd.set_current_mesh(mesh), typecheck():
    p = torch.randn(4, 8)
    spmd.assert_type(p, {"dp": R, "tp": P})
    a, b = torch.split(p, 4, dim=1)
    c = a + b
    reveal_type(c)  # T: {dp: R, tp: P}
    rows = p.unbind(0)
    reveal_type(rows[0])  # T: {dp: R, tp: P}
