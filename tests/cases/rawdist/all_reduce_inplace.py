"""Raw dist.all_reduce under typecheck(): the operand must be P on the group axis and becomes R in place."""
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
    spmd.assert_type(x, {"dp": R, "tp": P})
    dist.all_reduce(x, group=tp)
    reveal_type(x)  # T: {dp: R, tp: R}
    y = x + 1
    reveal_type(y)  # T: {dp: R, tp: R}
