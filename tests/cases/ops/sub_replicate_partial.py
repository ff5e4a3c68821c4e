# P - R is affine, just as P + R.
import torch
import spmd_types as spmd
from spmd_types import I, P, R, S, V
from spmd_types.checker import typecheck
from torch.distributed.device_mesh import init_device_mesh

mesh = init_device_mesh("cpu", (2, 4), mesh_dim_names=("dp", "tp"))
with spmd.set_current_mesh(mesh), typecheck():
    p = torch.randn(4, 8)
    spmd.assert_type(p, {"dp": R, "tp": P})
    r = torch.randn(4, 8)
    spmd.assert_type(r, {"dp": R, "tp": R})
    y = torch.sub(p, r)  # E: spmd-partial-affine
