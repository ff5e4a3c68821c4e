"""Twin of all_reduce_varying: reinterpret V -> P first, then all-reduce in place."""
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
    spmd.assert_type(x, {"dp": R, "tp": V})
    p = spmd.reinterpret(x, tp, src=V, dst=P)
    dist.all_reduce(p, group=tp)
    reveal_type(p)  # T: {dp: R, tp: R}
    reveal_type(x)  # T: {dp: R, tp: V}
