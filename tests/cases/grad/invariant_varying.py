# I (requiring grad) with V is an error.
import torch
import spmd_types as spmd
from spmd_types import I, P, R, S, V
from spmd_types.checker import typecheck
from torch.distributed.device_mesh import init_device_mesh

mesh = init_device_mesh("cpu", (2, 4), mesh_dim_names=("dp", "tp"))
with spmd.set_current_mesh(mesh), typecheck():
    w = torch.randn(8, 2, requires_grad=True)
    spmd.assert_type(w, {"dp": I, "tp": R})
    x = torch.randn(4, 8)
    spmd.assert_type(x, {"dp": V, "tp": R})
    y = x @ w  # E: spmd-invariant-mix
