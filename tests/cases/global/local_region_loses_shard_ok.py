"""Twin of local_region_loses_shard: re-asserting S(0) after the local region gives the result its PartitionSpec back."""
import torch
import spmd_types as spmd
from spmd_types import I, P, R, S, V
from spmd_types.checker import typecheck
from torch.distributed.device_mesh import init_device_mesh

mesh = init_device_mesh("cpu", (2, 4), mesh_dim_names=("dp", "tp"))
with spmd.set_current_mesh(mesh), typecheck(local=False):
    x = torch.randn(8, 16)
    spmd.assert_type(x, {"dp": S(0), "tp": R})
    with spmd.local():
        y = x * 2
    spmd.assert_type(y, {"dp": S(0)})
    z = y + 1
    reveal_type(z)  # T: {dp: S(0), tp: R}
