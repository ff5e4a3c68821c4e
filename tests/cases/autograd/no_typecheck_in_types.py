"""@no_typecheck(in_types=..., out_types=...): the arguments are checked against in_types (assert_type semantics) at the call."""
import torch
import spmd_types as spmd
from spmd_types import I, P, R, S, V, rules
from spmd_types.checker import typecheck
from torch.distributed.device_mesh import init_device_mesh


@spmd.no_typecheck(in_types=({"dp": V, "tp": R},), out_types={"dp": V, "tp": R})
def activation(x):
    return torch.relu(x)


mesh = init_device_mesh("cpu", (2, 4), mesh_dim_names=("dp", "tp"))
with spmd.set_current_mesh(mesh), typecheck():
    x = torch.randn(4, 8)
    spmd.assert_type(x, {"dp": V, "tp": P})
    y = activation(x)  # E: spmd-assert-mismatch
