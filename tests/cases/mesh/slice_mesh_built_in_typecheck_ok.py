"""A mesh built inside typecheck() under the current mesh has a rank tensor typed by the ops that made it: slicing and flattening it there run typed ops, which the runtime accepts."""
import torch
import spmd_types as spmd
from spmd_types import I, P, R, S, V
from spmd_types.checker import typecheck
from torch.distributed.device_mesh import init_device_mesh

world = init_device_mesh("cpu", (2, 4), mesh_dim_names=("dp", "tp"))
with spmd.set_current_mesh(world), typecheck():
    mesh = init_device_mesh("cpu", (2, 4), mesh_dim_names=("dp", "tp"))
    tp = mesh["tp"].get_group()
    flat = mesh["dp", "tp"]._flatten("dp_tp")
    x = torch.randn(4, 8)
    spmd.assert_type(x, {"dp": R, "tp": P})
    y = spmd.all_reduce(x, tp, src=P, dst=R)
    reveal_type(y)  # T: {dp: R, tp: R}
