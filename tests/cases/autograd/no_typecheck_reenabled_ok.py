"""Twin of no_typecheck_reenabled: the helper without its own typecheck() stays unchecked inside no_typecheck()."""
import torch
import spmd_types as spmd
from spmd_types import I, P, R, S, V, rules
from spmd_types.checker import typecheck
from torch.distributed.device_mesh import init_device_mesh


def activation(x):
    return torch.relu(x)


mesh = init_device_mesh("cpu", (2, 4), mesh_dim_names=("dp", "tp"))
with spmd.set_current_mesh(mesh), typecheck():
    x = torch.randn(4, 8)
    spmd.assert_type(x, {"dp": V, "tp": P})
    with spmd.no_typecheck():
        y = activation(x)
    reveal_type(y)  # T: {}
