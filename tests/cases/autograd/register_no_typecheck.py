"""register_no_typecheck(fn): ops run while fn is on the stack are unchecked, even under a typecheck() entered inside fn."""
import torch
import spmd_types as spmd
from spmd_types import I, P, R, S, V, rules
from spmd_types.checker import typecheck
from torch.distributed.device_mesh import init_device_mesh


def activation(x):
    with typecheck():
        return torch.relu(x)


spmd.register_no_typecheck(activation)

mesh = init_device_mesh("cpu", (2, 4), mesh_dim_names=("dp", "tp"))
with spmd.set_current_mesh(mesh), typecheck():
    x = torch.randn(4, 8)
    spmd.assert_type(x, {"dp": V, "tp": P})
    y = activation(x)
    reveal_type(y)  # T: {}
