# .requires_grad_() makes an I tensor require grad, so mixing it with R(grad) fails.
import torch
import spmd_types as spmd
from spmd_types import I, P, R, S, V
from spmd_types.checker import typecheck
from torch.distributed.device_mesh import init_device_mesh

mesh = init_device_mesh("cpu", (2, 4), mesh_dim_names=("dp", "tp"))
with spmd.set_current_mesh(mesh), typecheck():
    w = torch.randn(4, 8)
    spmd.assert_type(w, {"dp": R, "tp": I})
    w.requires_grad_()
    x = torch.randn(4, 8, requires_grad=True)
    spmd.assert_type(x, {"dp": R, "tp": R})
    y = w + x  # E: spmd-invariant-mix
