"""Unlike register_no_typecheck, a with no_typecheck() region is re-enabled by a typecheck() entered inside it."""
import torch
import spmd_types as spmd
from spmd_types import I, P, R, S, V, rules
from spmd_types.checker import typecheck
from torch.distributed.device_mesh import init_device_mesh


def activation(x):
    with typecheck():
        return torch.relu(x)  # E: spmd-partial-nonlinear


mesh = init_device_mesh("cpu", (2, 4), mesh_dim_names=("dp", "tp"))
with spmd.set_current_mesh(mesh), typecheck():
    x = torch.randn(4, 8)
    spmd.assert_type(x, {"dp": V, "tp": P})
    with spmd.no_typecheck():
        y = activation(x)
