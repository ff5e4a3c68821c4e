"""A module that attaches an unregistered backward hook in its own __init__ fails at its call; the checker warns, since code it does not see could register the hook or remove it through the handle."""
import torch
import spmd_types as spmd
from spmd_types import I, P, R, S, V
from spmd_types.checker import typecheck
from torch.distributed.device_mesh import init_device_mesh


def log_grads(module, grad_input, grad_output):
    return None


class Block(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.handle = self.register_full_backward_hook(log_grads)

    def forward(self, x):
        return x * 2


mesh = init_device_mesh("cpu", (2, 4), mesh_dim_names=("dp", "tp"))
with spmd.set_current_mesh(mesh), typecheck():
    block = Block()
    x = torch.randn(4, 8)
    spmd.assert_type(x, {"dp": V, "tp": R})
    y = block(x)  # W: spmd-unregistered-hook
