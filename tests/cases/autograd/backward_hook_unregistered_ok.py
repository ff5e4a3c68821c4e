"""Twin of backward_hook_unregistered: a hook registered as local leaves the types alone (forward hooks need nothing)."""
import torch
import spmd_types as spmd
from spmd_types import I, P, R, S, V, rules
from spmd_types.checker import typecheck
from torch.distributed.device_mesh import init_device_mesh


@spmd.register_local_backward_hook
def log_grads(module, grad_input, grad_output):
    return None


def log_output(module, inputs, output):
    return None


lin = torch.nn.Linear(8, 8)
lin.register_full_backward_hook(log_grads)
lin.register_forward_hook(log_output)

mesh = init_device_mesh("cpu", (2, 4), mesh_dim_names=("dp", "tp"))
with spmd.set_current_mesh(mesh), typecheck():
    spmd.assert_type(lin.weight, {"dp": R, "tp": R})
    spmd.assert_type(lin.bias, {"dp": R, "tp": R})
    x = torch.randn(4, 8)
    spmd.assert_type(x, {"dp": V, "tp": R})
    y = lin(x)
    reveal_type(y)  # T: {dp: V, tp: R}
