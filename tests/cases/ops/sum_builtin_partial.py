# Python's sum() starts from 0, so sum([P, P]) computes 0 + P: affine.
import torch
import spmd_types as spmd
from spmd_types import I, P, R, S, V
from spmd_types.checker import typecheck
from torch.distributed.device_mesh import init_device_mesh

mesh = init_device_mesh("cpu", (2, 4), mesh_dim_names=("dp", "tp"))
with spmd.set_current_mesh(mesh), typecheck():
    a = torch.randn(4, 8)
    spmd.assert_type(a, {"dp": R, "tp": P})
    b = torch.randn(4, 8)
    spmd.assert_type(b, {"dp": R, "tp": P})
    total = sum([a, b])  # E: spmd-partial-affine
