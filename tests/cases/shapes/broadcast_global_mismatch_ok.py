"""Twin of broadcast_global_mismatch: a row broadcasts along the sharded dim; a 3-D operand aligns from the right."""
import torch
import spmd_types as spmd
from spmd_types import I, P, R, S, V, rules
from spmd_types.checker import typecheck
from torch.distributed.device_mesh import init_device_mesh

mesh = init_device_mesh("cpu", (2, 4), mesh_dim_names=("dp", "tp"))
with spmd.set_current_mesh(mesh), typecheck(local=False):
    x = torch.randn(8, 16)
    spmd.assert_type(x, {"dp": S(0), "tp": R})
    row = torch.randn(1, 16)
    spmd.assert_type(row, {"dp": R, "tp": R})
    reveal_type(x + row)  # T: {dp: S(0), tp: R}
    b = torch.randn(2, 8, 16)
    spmd.assert_type(b, {"dp": S(1), "tp": R})
    reveal_type(b * row)  # T: {dp: S(1), tp: R}
