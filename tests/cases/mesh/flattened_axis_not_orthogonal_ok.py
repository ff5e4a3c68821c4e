"""Twin of flattened_axis_not_orthogonal: a type on the flattened axis alone; used under the (dp, tp) mesh it is re-read as P on both."""
import torch
import spmd_types as spmd
from spmd_types import I, P, R, S, V
from spmd_types.checker import typecheck
from torch.distributed.device_mesh import init_device_mesh

mesh = init_device_mesh("cpu", (2, 4), mesh_dim_names=("dp", "tp"))
flat = mesh["dp", "tp"]._flatten("dp_tp")
dp_tp = flat.get_group()
with spmd.set_current_mesh(mesh), typecheck():
    x = torch.randn(4, 8)
    spmd.assert_type(x, {dp_tp: P})
    reveal_type(x)  # T: {dp_tp: P}
    y = x * 2
    reveal_type(y)  # T: {dp: P, tp: P}
