"""Twin of backward_pre_hook_unregistered: the call form of register_local_backward_hook covers pre-hooks."""
import torch
import spmd_types as spmd
from spmd_types import I, P, R, S, V
from spmd_types.checker import typecheck
from torch.distributed.device_mesh import init_device_mesh


def scale_grads(module, grad_output):
    return None


spmd.register_local_backward_hook(scale_grads)
lin = torch.nn.Linear(8, 8, bias=False)
lin.register_full_backward_pre_hook(scale_grads)

mesh = init_device_mesh("cpu", (2, 4), mesh_dim_names=("dp", "tp"))
with spmd.set_current_mesh(mesh), typecheck():
    spmd.assert_type(lin.weight, {"dp": R, "tp": R})
    x = torch.randn(4, 8)
    spmd.assert_type(x, {"dp": V, "tp": R})
    reveal_type(lin(x))  # T: {dp: V, tp: R}
