"""Global mode: matmul over a contraction dim sharded on tp in both operands is Partial on tp (row-parallel linear)."""
import torch
import spmd_types as spmd
from spmd_types import I, P, R, S, V
from spmd_types.checker import typecheck
from torch.distributed.device_mesh import init_device_mesh

mesh = init_device_mesh("cpu", (2, 4), mesh_dim_names=("dp", "tp"))
with spmd.set_current_mesh(mesh), typecheck(local=False):
    x = torch.randn(4, 8)
    spmd.assert_type(x, {"dp": R, "tp": S(1)})
    w = torch.randn(8, 2)
    spmd.assert_type(w, {"dp": R, "tp": S(0)})
    y = x @ w
    reveal_type(y)  # T: {dp: R, tp: P}
    z = spmd.all_reduce(y, "tp", src=P, dst=R)
    reveal_type(z)  # T: {dp: R, tp: R}
