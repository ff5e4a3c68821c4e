# x.select(0, 0) is a registered linear view, so Partial survives it.
import torch
import spmd_types as spmd
from spmd_types import I, P, R, S, V
from spmd_types.checker import typecheck
from torch.distributed.device_mesh import init_device_mesh

mesh = init_device_mesh("cpu", (2, 4), mesh_dim_names=("dp", "tp"))
with spmd.set_current_mesh(mesh), typecheck():
    x = torch.randn(4, 8)
    spmd.assert_type(x, {"dp": R, "tp": P})
    row = x.select(0, 0)
    reveal_type(row)  # T: {dp: R, tp: P}
    col = torch.narrow(x, 1, 0, 2)
    reveal_type(col)  # T: {dp: R, tp: P}
