"""Global mode: redistribute(src=S(1)) on a tensor sharded S(0) is a src mismatch."""
import torch
import spmd_types as spmd
from spmd_types import I, P, R, S, V
from spmd_types.checker import typecheck
from torch.distributed.device_mesh import init_device_mesh

mesh = init_device_mesh("cpu", (2, 4), mesh_dim_names=("dp", "tp"))
with spmd.set_current_mesh(mesh), typecheck(local=False):
    x = torch.randn(8, 16)
    spmd.assert_type(x, {"dp": S(0), "tp": R})
    y = spmd.redistribute(x, "dp", src=S(1), dst=R)  # E: spmd-src-mismatch
