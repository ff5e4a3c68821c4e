# local_map checks its inputs at the call: a Replicate argument where Varying is declared.
import torch
import spmd_types as spmd
from spmd_types import I, P, R, S, V
from spmd_types.checker import typecheck
from torch.distributed.device_mesh import init_device_mesh


@spmd.local_map(in_types=({"dp": V, "tp": V},), out_types={"dp": V, "tp": V})
def scale(x):
    return x * 2


mesh = init_device_mesh("cpu", (2, 4), mesh_dim_names=("dp", "tp"))
with spmd.set_current_mesh(mesh), typecheck():
    x = torch.randn(4, 8)
    spmd.assert_type(x, {"dp": V, "tp": R})
    y = scale(x)  # E: spmd-assert-mismatch
