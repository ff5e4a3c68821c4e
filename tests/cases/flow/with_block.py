# A with block (torch.no_grad) does not scope variables: y keeps its type after it.
import torch
import spmd_types as spmd
from spmd_types import I, P, R, S, V
from spmd_types.checker import typecheck
from torch.distributed.device_mesh import init_device_mesh

mesh = init_device_mesh("cpu", (2, 4), mesh_dim_names=("dp", "tp"))
with spmd.set_current_mesh(mesh), typecheck():
    v = torch.randn(4, 8)
    spmd.assert_type(v, {"dp": V, "tp": R})
    with torch.no_grad():
        y = v * 2.0
    reveal_type(y)  # T: {dp: V, tp: R}
    z = y + v
    reveal_type(z)  # T: {dp: V, tp: R}
