"""reinterpret_mesh to an explicit {dp: V, tp: R}: a flattened V cannot become mixed types."""
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
    y = spmd.reinterpret_mesh(x, {dp: V, tp: R})  # E: spmd-mesh-incompatible
