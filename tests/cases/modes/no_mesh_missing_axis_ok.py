"""Twin of no_mesh_missing_axis: both operands typed on tp."""
import torch
import spmd_types as spmd
from spmd_types import I, P, R, S, V
from spmd_types.checker import typecheck
from torch.distributed.device_mesh import init_device_mesh

mesh = init_device_mesh("cpu", (2, 4), mesh_dim_names=("dp", "tp"))
tp = mesh.get_group("tp")
with typecheck():
    x = torch.randn(4, 8, requires_grad=True)
    spmd.assert_type(x, {tp: V})
    w = spmd.assert_type(torch.randn(4, 8), {tp: R})
    z = x + w
    reveal_type(z)  # T: {tp: V}
