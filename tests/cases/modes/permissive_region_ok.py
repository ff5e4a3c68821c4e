"""Twin of permissive_region: the second mix is also inside a permissive block."""
import torch
import spmd_types as spmd
from spmd_types import I, P, R, S, V
from spmd_types.checker import typecheck
from torch.distributed.device_mesh import init_device_mesh

mesh = init_device_mesh("cpu", (2, 4), mesh_dim_names=("dp", "tp"))
with spmd.set_current_mesh(mesh), typecheck():
    x = torch.randn(8, 16, requires_grad=True)
    spmd.assert_type(x, {"dp": R, "tp": R})
    with typecheck(strict_mode="permissive"):
        a = x + torch.randn(8, 16)
        reveal_type(a)  # T: {dp: R, tp: R}
    with typecheck(strict_mode="permissive"):
        b = x + torch.randn(8, 16)
        reveal_type(b)  # T: {dp: R, tp: R}
