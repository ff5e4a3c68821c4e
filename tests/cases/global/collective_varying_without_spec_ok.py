"""Twin of collective_varying_without_spec: with S(0) the all_reduce runs and drops dp from the PartitionSpec."""
import torch
import spmd_types as spmd
from spmd_types import I, P, R, S, V
from spmd_types.checker import typecheck
from torch.distributed.device_mesh import init_device_mesh

mesh = init_device_mesh("cpu", (2, 4), mesh_dim_names=("dp", "tp"))
with spmd.set_current_mesh(mesh), typecheck(local=False):
    x = torch.randn(8, 16)
    spmd.assert_type(x, {"dp": S(0), "tp": R})
    y = spmd.all_reduce(x, "dp", src=V, dst=R)
    reveal_type(y)  # T: {dp: R, tp: R}
    z = y + 1
    reveal_type(z)  # T: {dp: R, tp: R}
