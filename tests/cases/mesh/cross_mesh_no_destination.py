"""An operand typed on every axis of the current mesh and on one more has nothing left for that axis to fold into: the runtime rejects the op before its rules run."""
import torch
import spmd_types as spmd
from spmd_types import I, P, R, S, V
from spmd_types.checker import typecheck
from torch.distributed.device_mesh import init_device_mesh

mesh = init_device_mesh("cpu", (2, 2, 2), mesh_dim_names=("dp", "cp", "tp"))
dp_tp = mesh["dp", "tp"]
with spmd.set_current_mesh(mesh), typecheck():
    x = torch.randn(4, 8)
    spmd.assert_type(x, {"dp": R, "cp": R, "tp": V})
    with spmd.set_current_mesh(dp_tp):
        y = x * 2  # E: spmd-mesh-incompatible
