"""Twin of cross_mesh_auto_reinterpret: uniform V folds onto dp_tp, and a dp_tp-typed operand unfolds under (dp, tp)."""
import torch
import spmd_types as spmd
from spmd_types import I, P, R, S, V
from spmd_types.checker import typecheck
from torch.distributed.device_mesh import init_device_mesh

mesh = init_device_mesh("cpu", (2, 4), mesh_dim_names=("dp", "tp"))
flat = mesh["dp", "tp"]._flatten("dp_tp")
with spmd.set_current_mesh(mesh), typecheck():
    x = torch.randn(4, 8)
    spmd.assert_type(x, {"dp": V, "tp": V})
    with spmd.set_current_mesh(flat):
        y = x * 2
        reveal_type(y)  # T: {dp_tp: V}
    z = y + x
    reveal_type(z)  # T: {dp: V, tp: V}
