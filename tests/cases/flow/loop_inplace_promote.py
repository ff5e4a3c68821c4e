# h += v in a loop turns a no-grad R accumulator into V on the first pass; later passes are V + V.
import torch
import spmd_types as spmd
from spmd_types import I, P, R, S, V
from spmd_types.checker import typecheck
from torch.distributed.device_mesh import init_device_mesh

mesh = init_device_mesh("cpu", (2, 4), mesh_dim_names=("dp", "tp"))
with spmd.set_current_mesh(mesh), typecheck():
    h = torch.zeros(4, 8)
    v = torch.randn(4, 8)
    spmd.assert_type(v, {"dp": V, "tp": R})
    for _ in range(3):
        h += v
    reveal_type(h)  # T: {dp: V, tp: R}
