"""reinterpret_no_grad on an axis the tensor is not typed on (permissive mode lets it lack tp): SpmdTypeError."""
import torch
import spmd_types as spmd
from spmd_types import I, P, R, S, V
from spmd_types.checker import typecheck
from torch.distributed.device_mesh import init_device_mesh

mesh = init_device_mesh("cpu", (2, 4), mesh_dim_names=("dp", "tp"))
with spmd.set_current_mesh(mesh), typecheck(strict_mode="permissive"):
    x = torch.randn(4, 8)
    spmd.assert_type(x, {"dp": R})
    y = spmd.reinterpret_no_grad(x, "tp", dst=I)  # E: spmd-assert-mismatch
