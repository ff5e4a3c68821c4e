"""reinterpret_mesh onto the flattened mesh needs one type for the flattened group: R on dp and V on tp cannot merge."""
import torch
import spmd_types as spmd
from spmd_types import I, P, R, S, V
from spmd_types.checker import typecheck
from torch.distributed.device_mesh import init_device_mesh

mesh = init_device_mesh("cpu", (2, 4), mesh_dim_names=("dp", "tp"))
flat = mesh["dp", "tp"]._flatten("dp_tp")
with spmd.set_current_mesh(mesh), typecheck():
    x = torch.randn(4, 8)
    spmd.assert_type(x, {"dp": R, "tp": V})
    y = spmd.reinterpret_mesh(x, flat)  # E: spmd-mesh-incompatible
