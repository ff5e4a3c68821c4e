"""Twin of bare_no_mesh: set the current mesh before using a bare R."""
import torch
import spmd_types as spmd
from spmd_types import I, P, R, S, V
from spmd_types.checker import typecheck
from torch.distributed.device_mesh import init_device_mesh

mesh = init_device_mesh("cpu", (2, 4), mesh_dim_names=("dp", "tp"))
with typecheck(), spmd.set_current_mesh(mesh):
    x = torch.randn(4, 8, requires_grad=True)
    spmd.assert_type(x, R)
    reveal_type(x)  # T: {dp: R, tp: R}
