"""The src/dst argument rules of a conversion apply on a size-1 axis too: convert(P -> R) is invalid there as anywhere."""
import torch
import spmd_types as spmd
from spmd_types import I, P, R, S, V
from spmd_types.checker import typecheck
from torch.distributed.device_mesh import init_device_mesh

mesh = init_device_mesh("cpu", (2, 1, 4), mesh_dim_names=("dp", "cp", "tp"))
with spmd.set_current_mesh(mesh), typecheck():
    x = torch.randn(4, 8)
    spmd.assert_type(x, {"dp": R, "tp": V})
    y = spmd.convert(x, "cp", src=P, dst=R)  # E: spmd-invalid-transition
