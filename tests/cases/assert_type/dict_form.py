"""assert_type with a per-axis dict sets the type of an untyped tensor and returns the tensor."""
import torch
import spmd_types as spmd
from spmd_types import I, P, R, S, V
from spmd_types.checker import typecheck
from torch.distributed.device_mesh import init_device_mesh

mesh = init_device_mesh("cpu", (2, 4), mesh_dim_names=("dp", "tp"))
with spmd.set_current_mesh(mesh), typecheck():
    x = torch.randn(4, 8, requires_grad=True)
    reveal_type(x)  # T: {}
    y = spmd.assert_type(x, {"dp": V, "tp": P})
    reveal_type(x)  # T: {dp: V, tp: P}
    reveal_type(y)  # T: {dp: V, tp: P}
