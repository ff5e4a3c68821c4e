# torch.ones(..., requires_grad=True) is R and requires grad: it cannot mix with I(grad).
import torch
import spmd_types as spmd
from spmd_types import I, P, R, S, V
from spmd_types.checker import typecheck
from torch.distributed.device_mesh import init_device_mesh

mesh = init_device_mesh("cpu", (2, 4), mesh_dim_names=("dp", "tp"))
with spmd.set_current_mesh(mesh), typecheck():
    bias = torch.ones(8, requires_grad=True)
    w = torch.randn(8, requires_grad=True)
    spmd.assert_type(w, {"dp": I, "tp": I})
    y = w + bias  # E: spmd-invariant-mix
