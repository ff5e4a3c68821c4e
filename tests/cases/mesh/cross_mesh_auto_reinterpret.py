"""An operand typed on the (dp, tp) mesh used under the flattened mesh is folded onto dp_tp: R on dp and V on tp cannot fold."""
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
    with spmd.set_current_mesh(flat):
        y = x * 2  # E: spmd-mesh-incompatible
