# The twin: the tensor the helper types Varying on tp goes through GELU.
import torch
import torch.nn.functional as F
import spmd_types as spmd
from spmd_types import I, P, R, S, V


def typed(shape, **axes):
    t = torch.randn(shape)
    spmd.assert_type(t, dict(axes))
    return t


def activation_of_varying():
    x = typed((4, 8), dp=R, tp=V)
    y = F.gelu(x)
    reveal_type(y)  # T: {dp: R, tp: V}
    return y


# --- driver ---
from spmd_types.checker import typecheck
from torch.distributed.device_mesh import init_device_mesh

mesh = init_device_mesh("cpu", (2, 4), mesh_dim_names=("dp", "tp"))
with spmd.set_current_mesh(mesh), typecheck():
    activation_of_varying()
