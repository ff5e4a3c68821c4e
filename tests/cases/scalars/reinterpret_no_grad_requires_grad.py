"""reinterpret_no_grad is for tensors that cannot receive a gradient: on a tensor that requires grad it is a ValueError."""
import torch
import spmd_types as spmd
from spmd_types import I, P, R, S, V, PartitionSpec
from spmd_types.checker import typecheck
from torch.distributed.device_mesh import init_device_mesh

mesh = init_device_mesh("cpu", (2, 4), mesh_dim_names=("dp", "tp"))
with spmd.set_current_mesh(mesh), typecheck():
    x = torch.randn(4, 8, requires_grad=True)
    spmd.assert_type(x, {"dp": R, "tp": R})
    y = spmd.reinterpret_no_grad(x, "tp", dst=I)  # E: spmd-reinterpret-no-grad
