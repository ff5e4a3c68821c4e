"""Twin of index_shard_dim: indexing the unsharded dim keeps S(0); gather first to index the sharded one."""
import torch
import spmd_types as spmd
from spmd_types import I, P, R, S, V
from spmd_types.checker import typecheck
from torch.distributed.device_mesh import init_device_mesh

mesh = init_device_mesh("cpu", (2, 4), mesh_dim_names=("dp", "tp"))
with spmd.set_current_mesh(mesh), typecheck(local=False):
    x = torch.randn(8, 16)
    spmd.assert_type(x, {"dp": S(0), "tp": R})
    reveal_type(x[:, 0])  # T: {dp: S(0), tp: R}
    full = spmd.all_gather(x, "dp", src=S(0), dst=R)
    reveal_type(full[0])  # T: {dp: R, tp: R}
