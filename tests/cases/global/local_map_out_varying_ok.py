"""Twin of local_map_out_varying: out_types as a PartitionSpec gives dp its shard dim (the other axes keep the body's types)."""
import torch
import spmd_types as spmd
from spmd_types import I, P, R, S, V, PartitionSpec
from spmd_types.checker import typecheck
from torch.distributed.device_mesh import init_device_mesh


@spmd.local_map(out_types=PartitionSpec("dp", None))
def double(x):
    return x * 2


mesh = init_device_mesh("cpu", (2, 4), mesh_dim_names=("dp", "tp"))
with spmd.set_current_mesh(mesh), typecheck(local=False):
    x = torch.randn(8, 16)
    spmd.assert_type(x, {"dp": S(0), "tp": R})
    z = double(x)
    w = z + 1
    reveal_type(w)  # T: {dp: S(0), tp: R}
