# A pipeline stage that broadcasts its input from the first rank of its group in the training
# step. Under typecheck() the runtime rejects raw broadcast whatever the types. The library
# part alone does not show that the caller runs it under typecheck() (utilities that seed
# or set up groups broadcast outside it): nothing is said there.
import torch
import torch.distributed as dist
import spmd_types as spmd
from spmd_types import I, P, R, S, V


def stage_input(x, group):
    dist.broadcast(x, group_src=0, group=group)  # E: spmd-raw-dist-unsupported  # L: -
    return x


# --- driver ---
from spmd_types.checker import typecheck
from torch.distributed.device_mesh import init_device_mesh

mesh = init_device_mesh("cpu", (2, 4), mesh_dim_names=("dp", "tp"))
with spmd.set_current_mesh(mesh), typecheck():
    x = torch.randn(4, 8)
    spmd.assert_type(x, {"dp": R, "tp": R})
    stage_input(x, mesh.get_group("tp"))
