# A test helper takes the per-axis types as keyword arguments (`**axes`) and asserts them
# with dict(axes), as spmd_types' own rules tests do. The checker binds `**axes` to the type
# dict the caller spells, so the GELU of the tensor made Partial on tp is found in both views.
import torch
import torch.nn.functional as F
import spmd_types as spmd
from spmd_types import I, P, R, S, V


def typed(shape, **axes):
    t = torch.randn(shape)
    spmd.assert_type(t, dict(axes))
    return t


def activation_of_partial():
    x = typed((4, 8), dp=R, tp=P)
    return F.gelu(x)  # E: spmd-partial-nonlinear


# --- driver ---
from spmd_types.checker import typecheck
from torch.distributed.device_mesh import init_device_mesh

mesh = init_device_mesh("cpu", (2, 4), mesh_dim_names=("dp", "tp"))
with spmd.set_current_mesh(mesh), typecheck():
    activation_of_partial()
