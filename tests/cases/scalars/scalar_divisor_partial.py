"""A Partial Scalar as a divisor is rejected like a Partial tensor divisor."""
import torch
import spmd_types as spmd
from spmd_types import I, P, R, S, V
from spmd_types.checker import typecheck
from torch.distributed.device_mesh import init_device_mesh

mesh = init_device_mesh("cpu", (2, 4), mesh_dim_names=("dp", "tp"))
with spmd.set_current_mesh(mesh), typecheck():
    x = torch.randn(4, 8)
    spmd.assert_type(x, {"dp": R, "tp": R})
    count = spmd.Scalar(8.0, {"dp": R, "tp": P})
    y = x / count  # E: spmd-partial-divisor
