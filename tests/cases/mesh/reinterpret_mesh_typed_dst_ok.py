"""Twin of reinterpret_mesh_typed_dst: V on the flattened axis is V on both component axes."""
import torch
import spmd_types as spmd
from spmd_types import I, P, R, S, V
from spmd_types.checker import typecheck
from torch.distributed.device_mesh import init_device_mesh

mesh = init_device_mesh("cpu", (2, 4), mesh_dim_names=("dp", "tp"))
flat = mesh["dp", "tp"]._flatten("dp_tp")
dp = mesh.get_group("dp")
tp = mesh.get_group("tp")
with spmd.set_current_mesh(flat), typecheck():
    x = torch.randn(4, 8)
    spmd.assert_type(x, {"dp_tp": V})
    y = spmd.reinterpret_mesh(x, {dp: V, tp: V})
    reveal_type(y)  # T: {dp: V, tp: V}
