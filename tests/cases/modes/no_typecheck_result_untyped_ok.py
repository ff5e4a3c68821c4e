"""Twin of no_typecheck_result_untyped: assert_type states the result's type on leaving the region."""
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
    spmd.assert_type(y, {"dp": R, "tp": P})
    z = y + x
    reveal_type(z)  # T: {dp: R, tp: P}
