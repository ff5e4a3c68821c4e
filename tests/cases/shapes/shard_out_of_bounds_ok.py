"""Twin of shard_out_of_bounds: a negative S(i) counts from the last dim (S(-1) on 2-D is S(1))."""
import torch
import spmd_types as spmd
from spmd_types import I, P, R, S, V
from spmd_types.checker import typecheck
from torch.distributed.device_mesh import init_device_mesh

mesh = init_device_mesh("cpu", (2, 4), mesh_dim_names=("dp", "tp"))
with spmd.set_current_mesh(mesh), typecheck():
    x = torch.randn(4, 8)
    spmd.assert_type(x, {"dp": R, "tp": S(-1)})
    reveal_type(x)  # T: {dp: R, tp: S(1)}
    y = torch.randn(2, 4, 8)
    spmd.assert_type(y, {"dp": S(-3), "tp": R})
    reveal_type(y)  # T: {dp: S(0), tp: R}
