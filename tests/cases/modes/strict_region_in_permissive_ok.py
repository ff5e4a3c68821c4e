"""Twin of strict_region_in_permissive: the strict block only mixes typed tensors."""
import torch
import spmd_types as spmd
from spmd_types import I, P, R, S, V
from spmd_types.checker import typecheck
from torch.distributed.device_mesh import init_device_mesh

mesh = init_device_mesh("cpu", (2, 4), mesh_dim_names=("dp", "tp"))
with spmd.set_current_mesh(mesh), typecheck(strict_mode="permissive"):
    x = torch.randn(8, 16, requires_grad=True)
    spmd.assert_type(x, {"dp": R, "tp": R})
    a = x + torch.randn(8, 16)
    with typecheck(strict_mode="strict"):
        b = x + torch.zeros(8, 16)
        reveal_type(b)  # T: {dp: R, tp: R}
