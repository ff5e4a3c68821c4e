"""S(i) stores V plus a PartitionSpec; a negative dim is canonicalised (S(-1) on a 2-d tensor is S(1))."""
import torch
import spmd_types as spmd
from spmd_types import I, P, R, S, V
from spmd_types.checker import typecheck
from torch.distributed.device_mesh import init_device_mesh

mesh = init_device_mesh("cpu", (2, 4), mesh_dim_names=("dp", "tp"))
with spmd.set_current_mesh(mesh), typecheck():
    x = torch.randn(4, 8, requires_grad=True)
    spmd.assert_type(x, {"dp": R, "tp": S(0)})
    reveal_type(x)  # T: {dp: R, tp: S(0)}
    y = torch.randn(4, 8, requires_grad=True)
    spmd.assert_type(y, {"dp": S(0), "tp": S(-1)})
    reveal_type(y)  # T: {dp: S(0), tp: S(1)}
