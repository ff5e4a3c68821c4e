"""Twin of cat_on_shard_dim: cat along the other dim keeps S(0); stack moves it to S(1); a sum of two S(0) operands is S(0)."""
import torch
import spmd_types as spmd
from spmd_types import I, P, R, S, V
from spmd_types.checker import typecheck
from torch.distributed.device_mesh import init_device_mesh

mesh = init_device_mesh("cpu", (2, 4), mesh_dim_names=("dp", "tp"))
with spmd.set_current_mesh(mesh), typecheck(local=False):
    a = torch.randn(8, 16)
    spmd.assert_type(a, {"dp": S(0), "tp": R})
    b = torch.randn(8, 16)
    spmd.assert_type(b, {"dp": S(0), "tp": R})
    reveal_type(torch.cat([a, b], 1))  # T: {dp: S(0), tp: R}
    reveal_type(torch.stack([a, b]))  # T: {dp: S(1), tp: R}
    reveal_type(a + b)  # T: {dp: S(0), tp: R}
