"""A function decorated with @spmd.no_typecheck runs unchecked; its result is untyped."""
import torch
import spmd_types as spmd
from spmd_types import I, P, R, S, V
from spmd_types.checker import typecheck
from torch.distributed.device_mesh import init_device_mesh

mesh = init_device_mesh("cpu", (2, 4), mesh_dim_names=("dp", "tp"))


@spmd.no_typecheck
def gelu_unchecked(t):
    return torch.nn.functional.gelu(t)


with spmd.set_current_mesh(mesh), typecheck():
    x = torch.randn(4, 8, requires_grad=True)
    spmd.assert_type(x, {"dp": R, "tp": P})
    y = gelu_unchecked(x)
    reveal_type(y)  # T: {}
