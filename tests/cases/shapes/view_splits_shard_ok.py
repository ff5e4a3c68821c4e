"""Twin of view_splits_shard: splitting an unsharded dim, or flattening with the sharded dim outermost, keeps S(0)."""
import torch
import spmd_types as spmd
from spmd_types import I, P, R, S, V
from spmd_types.checker import typecheck
from torch.distributed.device_mesh import init_device_mesh

mesh = init_device_mesh("cpu", (2, 4), mesh_dim_names=("dp", "tp"))
with spmd.set_current_mesh(mesh), typecheck(local=False):
    x = torch.randn(8, 16)
    spmd.assert_type(x, {"dp": S(0), "tp": R})
    reveal_type(x.view(8, 4, 4))  # T: {dp: S(0), tp: R}
    reveal_type(x.reshape(128))  # T: {dp: S(0), tp: R}
    reveal_type(x.view(8, 2, 8).view(8, 16))  # T: {dp: S(0), tp: R}
    reveal_type(x.flatten())  # T: {dp: S(0), tp: R}
