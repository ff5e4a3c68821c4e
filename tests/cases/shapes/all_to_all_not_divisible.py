"""all_to_all(S(0) -> S(1)) splits dim 1 into 4 (the axis size): a dim of 6 is not evenly divisible (ValueError)."""
import torch
import spmd_types as spmd
from spmd_types import I, P, R, S, V
from spmd_types.checker import typecheck
from torch.distributed.device_mesh import init_device_mesh

mesh = init_device_mesh("cpu", (2, 4), mesh_dim_names=("dp", "tp"))
with spmd.set_current_mesh(mesh), typecheck():
    x = torch.randn(4, 6)
    spmd.assert_type(x, {"dp": R, "tp": S(0)})
    y = spmd.all_to_all(x, "tp", src=S(0), dst=S(1))  # E: spmd-invalid-transition
