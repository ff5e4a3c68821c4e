"""Twin of reassert_shard_conflict: a V asserted outside any op is refined to S(1) by a later assert_type, and ops then accept it."""
import torch
import spmd_types as spmd
from spmd_types import I, P, R, S, V
from spmd_types.checker import typecheck
from torch.distributed.device_mesh import init_device_mesh

mesh = init_device_mesh("cpu", (2, 4), mesh_dim_names=("dp", "tp"))
with spmd.set_current_mesh(mesh), typecheck(local=False):
    x = torch.randn(4, 8)
    spmd.assert_type(x, {"dp": V, "tp": R})
    spmd.assert_type(x, {"dp": S(1)})
    reveal_type(x)  # T: {dp: S(1), tp: R}
    y = x + 1
    reveal_type(y)  # T: {dp: S(1), tp: R}
