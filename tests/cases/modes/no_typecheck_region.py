"""Nothing is checked inside spmd.no_typecheck(): a Partial value may go through relu."""
import torch
import spmd_types as spmd
from spmd_types import I, P, R, S, V
from spmd_types.checker import typecheck
from torch.distributed.device_mesh import init_device_mesh

mesh = init_device_mesh("cpu", (2, 4), mesh_dim_names=("dp", "tp"))
with spmd.set_current_mesh(mesh), typecheck():
    x = torch.randn(4, 8, requires_grad=True)
    spmd.assert_type(x, {"dp": R, "tp": P})
    with spmd.no_typecheck():
        y = torch.relu(x)
        z = y + 1.0
    w = x * 2
    reveal_type(w)  # T: {dp: R, tp: P}
