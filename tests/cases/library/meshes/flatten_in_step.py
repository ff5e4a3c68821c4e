# A training step flattens the mesh it is given to get the group a loss is summed over, but
# it runs inside typecheck(): building the flattened mesh runs torch ops on the mesh's own,
# untyped, rank tensor, which strict mode rejects. In the library view nothing is expected:
# the caller may have flattened the mesh with that name before (then no new mesh is built).
import torch
import spmd_types as spmd
from spmd_types import I, P, R, S, V


def global_sum(loss, mesh):
    group = mesh["dp", "tp"]._flatten("dp_tp").get_group()  # E: spmd-mesh-op-in-typecheck  # L: -
    return spmd.all_reduce(loss, group, src=P, dst=R)


# --- driver ---
from spmd_types.checker import typecheck
from torch.distributed.device_mesh import init_device_mesh

mesh = init_device_mesh("cpu", (2, 4), mesh_dim_names=("dp", "tp"))
with spmd.set_current_mesh(mesh), typecheck():
    x = torch.randn(4)
    spmd.assert_type(x, {"dp": P, "tp": V})
    total = global_sum(x, mesh)
