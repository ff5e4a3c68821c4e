# A helper that all-reduces without a group: the world group. Under a mesh of two axes the
# world group is neither of them, and the tensor has no type on it (strict mode). Whether the
# world group is one of the tensor's axes depends on the caller's mesh (with one axis it is
# that axis): nothing is reported in the library part.
import torch
import torch.distributed as dist
import spmd_types as spmd
from spmd_types import I, P, R, S, V


def global_sum(x):
    dist.all_reduce(x)  # E: spmd-missing-axis  # L: -
    reveal_type(x)  # LT: Unknown
    return x


# --- driver ---
from spmd_types.checker import typecheck
from torch.distributed.device_mesh import init_device_mesh

mesh = init_device_mesh("cpu", (2, 4), mesh_dim_names=("dp", "tp"))
with spmd.set_current_mesh(mesh), typecheck():
    x = torch.randn(4, 8)
    spmd.assert_type(x, {"dp": P, "tp": P})
    global_sum(x)
