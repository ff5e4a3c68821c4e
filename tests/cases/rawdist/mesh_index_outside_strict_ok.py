"""Slicing a DeviceMesh inside typecheck() is rejected only in strict mode under a current mesh: with no current mesh, or in permissive mode, the mesh's untyped tensor ops pass."""
import torch
import torch.distributed as dist
import spmd_types as spmd
from spmd_types import I, P, R, S, V
from spmd_types.checker import typecheck
from torch.distributed.device_mesh import init_device_mesh

mesh = init_device_mesh("cpu", (2, 4), mesh_dim_names=("dp", "tp"))
with typecheck():
    tp = mesh["tp"].get_group()
with spmd.set_current_mesh(mesh), typecheck(strict_mode="permissive"):
    dp = mesh["dp"].get_group()
    x = torch.randn(4, 8)
    spmd.assert_type(x, {"dp": P, "tp": R})
    dist.all_reduce(x, group=dp)
    reveal_type(x)  # T: {dp: R, tp: R}
