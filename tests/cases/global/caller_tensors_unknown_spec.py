"""A function nothing calls enters global mode with tensors its caller passes: their PartitionSpecs are not known (any axis may be sharded), so nothing that needs them is reported."""
import torch
import spmd_types as spmd
from spmd_types import I, P, R, S, V
from spmd_types.checker import typecheck
from torch.distributed.device_mesh import init_device_mesh


def step(x, w):
    with typecheck(local=False):
        g = spmd.all_gather(x, "tp", src=S(0), dst=R)
        y = g * w
        spmd.assert_type(y, {"dp": V})
        return y + 1


mesh = init_device_mesh("cpu", (2, 4), mesh_dim_names=("dp", "tp"))
with spmd.set_current_mesh(mesh), typecheck(local=False):
    x = torch.zeros(4, 8)
    reveal_type(x)  # T: {dp: R, tp: R}
