"""A full backward hook on a module that is not registered with register_local_backward_hook raises when the module runs."""
import torch
import spmd_types as spmd
from spmd_types import I, P, R, S, V, rules
from spmd_types.checker import typecheck
from torch.distributed.device_mesh import init_device_mesh


def log_grads(module, grad_input, grad_output):
    return None


lin = torch.nn.Linear(8, 8)
lin.register_full_backward_hook(log_grads)

mesh = init_device_mesh("cpu", (2, 4), mesh_dim_names=("dp", "tp"))
with spmd.set_current_mesh(mesh), typecheck():
    spmd.assert_type(lin.weight, {"dp": R, "tp": R})
    spmd.assert_type(lin.bias, {"dp": R, "tp": R})
    x = torch.randn(4, 8)
    spmd.assert_type(x, {"dp": V, "tp": R})
    y = lin(x)  # E: spmd-unregistered-hook
