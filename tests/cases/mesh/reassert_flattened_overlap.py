"""Re-asserting a tensor typed on the flattened dp_tp axis with a type on tp: the merged type would hold dp_tp and tp, which overlap (an error at the assertion)."""
import torch
import spmd_types as spmd
from spmd_types import I, P, R, S, V
from spmd_types.checker import typecheck
from torch.distributed.device_mesh import init_device_mesh

mesh = init_device_mesh("cpu", (2, 4), mesh_dim_names=("dp", "tp"))
dp_tp = mesh["dp", "tp"]._flatten("dp_tp").get_group()
with spmd.set_current_mesh(mesh), typecheck():
    x = torch.randn(4, 8)
    spmd.assert_type(x, {dp_tp: P})
    spmd.assert_type(x, {"tp": P})  # E: spmd-axes-not-orthogonal
    y = x * 2
