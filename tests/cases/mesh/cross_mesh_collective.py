"""A collective on dp of a tensor typed on the flattened dp_tp axis re-reads it on the current (dp, tp) mesh first: R on dp is not the P that src says."""
import torch
import spmd_types as spmd
from spmd_types import I, P, R, S, V
from spmd_types.checker import typecheck
from torch.distributed.device_mesh import init_device_mesh

mesh = init_device_mesh("cpu", (2, 4), mesh_dim_names=("dp", "tp"))
dp_tp = mesh["dp", "tp"]._flatten("dp_tp").get_group()
with spmd.set_current_mesh(mesh), typecheck():
    x = torch.randn(4, 8)
    spmd.assert_type(x, {dp_tp: R})
    y = spmd.all_reduce(x, "dp", src=P, dst=R)  # E: spmd-src-mismatch
