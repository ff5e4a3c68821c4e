"""Twin of infer_leaf_out: out_types a tuple of types."""
import torch
import spmd_types as spmd
from spmd_types import I, P, R, S, V
from spmd_types.checker import typecheck
from torch.distributed.device_mesh import init_device_mesh



@spmd.local_map(in_types=spmd.Infer, out_types=({"dp": V, "tp": R},))
def double(x):
    return (x * 2,)


mesh = init_device_mesh("cpu", (2, 4), mesh_dim_names=("dp", "tp"))
with spmd.set_current_mesh(mesh), typecheck():
    x = torch.randn(4, 8)
    spmd.assert_type(x, {"dp": V, "tp": R})
    (y,) = double(x)
    reveal_type(y)  # T: {dp: V, tp: R}
