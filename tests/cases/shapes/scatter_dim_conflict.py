"""reduce_scatter with dst=S(0) and scatter_dim=1 disagree (ValueError)."""
import torch
import spmd_types as spmd
from spmd_types import I, P, R, S, V
from spmd_types.checker import typecheck
from torch.distributed.device_mesh import init_device_mesh

mesh = init_device_mesh("cpu", (2, 4), mesh_dim_names=("dp", "tp"))
with spmd.set_current_mesh(mesh), typecheck():
    x = torch.randn(16, 8)
    spmd.assert_type(x, {"dp": R, "tp": P})
    y = spmd.reduce_scatter(x, "tp", src=P, dst=S(0), scatter_dim=1)  # E: spmd-invalid-transition
