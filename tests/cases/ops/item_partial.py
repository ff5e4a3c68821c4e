# .item() on a Partial tensor is a non-linear read of a pending sum: rejected.
import torch
import spmd_types as spmd
from spmd_types import I, P, R, S, V
from spmd_types.checker import typecheck
from torch.distributed.device_mesh import init_device_mesh

mesh = init_device_mesh("cpu", (2, 4), mesh_dim_names=("dp", "tp"))
with spmd.set_current_mesh(mesh), typecheck():
    loss = torch.randn(())
    spmd.assert_type(loss, {"dp": R, "tp": P})
    value = loss.item()  # E: spmd-partial-nonlinear
