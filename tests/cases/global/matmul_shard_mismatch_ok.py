"""Twin of matmul_shard_mismatch: w sharded on its output dim gives an output sharded on both dims."""
import torch
import spmd_types as spmd
from spmd_types import I, P, R, S, V
from spmd_types.checker import typecheck
from torch.distributed.device_mesh import init_device_mesh

mesh = init_device_mesh("cpu", (2, 4), mesh_dim_names=("dp", "tp"))
with spmd.set_current_mesh(mesh), typecheck(local=False):
    x = torch.randn(8, 16)
    spmd.assert_type(x, {"dp": S(0), "tp": R})
    w = torch.randn(16, 4)
    spmd.assert_type(w, {"dp": R, "tp": S(1)})
    y = x @ w
    reveal_type(y)  # T: {dp: S(0), tp: S(1)}
