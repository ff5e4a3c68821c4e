"""Twin of all_gather_list_unannotated: each output annotated in a loop over the list (of a size the checker does not know)."""
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
    outs = [torch.empty(4, 8) for _ in range(dist.get_world_size(tp))]
    for o in outs:
        spmd.assert_type(o, {"dp": R, "tp": R})
    dist.all_gather(outs, x, group=tp)
    full = torch.cat(outs)
    reveal_type(full)  # T: {dp: R, tp: R}
