"""Global mode: a local_map body runs in local mode (no PartitionSpec on its results); out_types stamps S(0) back."""
import torch
import spmd_types as spmd
from spmd_types import I, P, R, S, V
from spmd_types.checker import typecheck
from torch.distributed.device_mesh import init_device_mesh


@spmd.local_map(out_types={"dp": S(0), "tp": R})
def double(x):
    y = x * 2
    reveal_type(y)  # T: {dp: V, tp: R}
    return y


mesh = init_device_mesh("cpu", (2, 4), mesh_dim_names=("dp", "tp"))
with spmd.set_current_mesh(mesh), typecheck(local=False):
    x = torch.randn(8, 16)
    spmd.assert_type(x, {"dp": S(0), "tp": R})
    z = double(x)
    reveal_type(z)  # T: {dp: S(0), tp: R}
    reveal_type(z.sum(0))  # T: {dp: P, tp: R}
