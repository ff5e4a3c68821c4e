"""Twin of all_gather_list: every output typed I."""
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
    outs = [torch.empty(4, 8) for _ in range(4)]
    for o in outs:
        spmd.assert_type(o, {"dp": R, "tp": I})
    dist.all_gather(outs, x, group=tp)
    reveal_type(outs[0])  # T: {dp: R, tp: I}
