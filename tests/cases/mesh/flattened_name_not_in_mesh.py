"""The flattened mesh dim name is not a name of the current (dp, tp) mesh: a collective on "dp_tp" raises RuntimeError."""
import torch
import spmd_types as spmd
from spmd_types import I, P, R, S, V
from spmd_types.checker import typecheck
from torch.distributed.device_mesh import init_device_mesh

mesh = init_device_mesh("cpu", (2, 4), mesh_dim_names=("dp", "tp"))
flat = mesh["dp", "tp"]._flatten("dp_tp")
with spmd.set_current_mesh(mesh), typecheck():
    x = torch.randn(4, 8)
    spmd.assert_type(x, {"dp": P, "tp": P})
    y = spmd.all_reduce(x, "dp_tp", src=P, dst=R)  # E: spmd-unknown-axis
