"""Twin of reinterpret_no_grad_missing_axis: the axis the tensor is typed on."""
import torch
import spmd_types as spmd
from spmd_types import I, P, R, S, V
from spmd_types.checker import typecheck
from torch.distributed.device_mesh import init_device_mesh

mesh = init_device_mesh("cpu", (2, 4), mesh_dim_names=("dp", "tp"))
with spmd.set_current_mesh(mesh), typecheck(strict_mode="permissive"):
    x = torch.randn(4, 8)
    spmd.assert_type(x, {"dp": R})
    y = spmd.reinterpret_no_grad(x, "dp", dst=I)
    reveal_type(y)  # T: {dp: I}
