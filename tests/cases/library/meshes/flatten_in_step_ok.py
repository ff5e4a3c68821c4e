# Twin of flatten_in_step: the driver flattens the mesh before typecheck(); the step's own
# _flatten then finds the flattened dim and builds nothing.
import torch
import spmd_types as spmd
from spmd_types import I, P, R, S, V


def global_sum(loss, mesh):
    group = mesh["dp", "tp"]._flatten("dp_tp").get_group()
    return spmd.all_reduce(loss, group, src=P, dst=R)


# --- driver ---
from spmd_types.checker import typecheck
from torch.distributed.device_mesh import init_device_mesh

mesh = init_device_mesh("cpu", (2, 4), mesh_dim_names=("dp", "tp"))
mesh["dp", "tp"]._flatten("dp_tp")
with spmd.set_current_mesh(mesh), typecheck():
    x = torch.randn(4)
    spmd.assert_type(x, {"dp": P, "tp": V})
    total = global_sum(x, mesh)
    reveal_type(total)  # T: {dp: R, tp: R}
