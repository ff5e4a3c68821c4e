"""Twin of all_reduce_default_group: the group named positionally, by keyword, and as mesh.get_group(name)."""
import torch
import torch.distributed as dist
import spmd_types as spmd
from spmd_types import I, P, R, S, V
from spmd_types.checker import typecheck
from torch.distributed.device_mesh import init_device_mesh

mesh = init_device_mesh("cpu", (2, 4), mesh_dim_names=("dp", "tp"))
tp = mesh.get_group("tp")
with spmd.set_current_mesh(mesh), typecheck():
    x = torch.randn(4, 8)
    spmd.assert_type(x, {"dp": P, "tp": P})
    dist.all_reduce(x, dist.ReduceOp.SUM, tp)
    reveal_type(x)  # T: {dp: P, tp: R}
    dist.all_reduce(x, group=mesh.get_group("dp"))
    reveal_type(x)  # T: {dp: R, tp: R}
