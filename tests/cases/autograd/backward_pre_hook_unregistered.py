"""A full backward pre-hook must be registered too; the runtime checks it once the module's forward has run, at the module call."""
import torch
import spmd_types as spmd
from spmd_types import I, P, R, S, V
from spmd_types.checker import typecheck
from torch.distributed.device_mesh import init_device_mesh


def scale_grads(module, grad_output):
    return None


lin = torch.nn.Linear(8, 8, bias=False)
lin.register_full_backward_pre_hook(scale_grads)

mesh = init_device_mesh("cpu", (2, 4), mesh_dim_names=("dp", "tp"))
with spmd.set_current_mesh(mesh), typecheck():
    spmd.assert_type(lin.weight, {"dp": R, "tp": R})
    x = torch.randn(4, 8)
    spmd.assert_type(x, {"dp": V, "tp": R})
    y = lin(x)  # E: spmd-unregistered-hook
