"""Twin of flatten_strided_shard: with the sharded dim outermost in the flattened group the shard stays on it."""
import torch
import spmd_types as spmd
from spmd_types import I, P, R, S, V, rules
from spmd_types.checker import typecheck
from torch.distributed.device_mesh import init_device_mesh

mesh = init_device_mesh("cpu", (2, 4), mesh_dim_names=("dp", "tp"))
with spmd.set_current_mesh(mesh), typecheck(local=False):
    x = torch.randn(2, 8, 16)
    spmd.assert_type(x, {"dp": R, "tp": S(1)})
    reveal_type(x.flatten(1))  # T: {dp: R, tp: S(1)}
    reveal_type(x.reshape(2, 128))  # T: {dp: R, tp: S(1)}
