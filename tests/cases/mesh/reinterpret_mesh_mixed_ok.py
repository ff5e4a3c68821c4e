"""Twin of reinterpret_mesh_mixed: uniform types fold onto the flattened axis and unfold back."""
import torch
import spmd_types as spmd
from spmd_types import I, P, R, S, V
from spmd_types.checker import typecheck
from torch.distributed.device_mesh import init_device_mesh

mesh = init_device_mesh("cpu", (2, 4), mesh_dim_names=("dp", "tp"))
flat = mesh["dp", "tp"]._flatten("dp_tp")
with spmd.set_current_mesh(mesh), typecheck():
    x = torch.randn(4, 8)
    spmd.assert_type(x, {"dp": R, "tp": R})
    y = spmd.reinterpret_mesh(x, flat)
    reveal_type(y)  # T: {dp_tp: R}
    z = spmd.reinterpret_mesh(y, mesh)
    reveal_type(z)  # T: {dp: R, tp: R}
    reveal_type(x)  # T: {dp: R, tp: R}
