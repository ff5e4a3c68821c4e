"""reduce_scatter(dst=V) unbinds dim 0 across the axis: dim 0 of 3 on a 4-rank axis is rejected by the process group (RuntimeError)."""
import torch
import spmd_types as spmd
from spmd_types import I, P, R, S, V
from spmd_types.checker import typecheck
from torch.distributed.device_mesh import init_device_mesh

mesh = init_device_mesh("cpu", (2, 4), mesh_dim_names=("dp", "tp"))
with spmd.set_current_mesh(mesh), typecheck():
    x = torch.randn(3, 8)
    spmd.assert_type(x, {"dp": R, "tp": P})
    y = spmd.reduce_scatter(x, "tp", src=P, dst=V)  # E: spmd-shape
