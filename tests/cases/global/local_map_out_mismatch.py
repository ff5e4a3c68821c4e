"""Global mode: the body all-reduces dp to R, but out_types says S(0); the mismatch is raised at the call."""
import torch
import spmd_types as spmd
from spmd_types import I, P, R, S, V
from spmd_types.checker import typecheck
from torch.distributed.device_mesh import init_device_mesh


@spmd.local_map(out_types={"dp": S(0), "tp": R})
def reduce(x):
    return spmd.all_reduce(x, "dp", src=V, dst=R)


mesh = init_device_mesh("cpu", (2, 4), mesh_dim_names=("dp", "tp"))
with spmd.set_current_mesh(mesh), typecheck(local=False):
    x = torch.randn(8, 16)
    spmd.assert_type(x, {"dp": S(0), "tp": R})
    z = reduce(x)  # E: spmd-assert-mismatch
