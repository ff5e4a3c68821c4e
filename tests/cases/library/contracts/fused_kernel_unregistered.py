# A fused bias+GELU kernel as an autograd Function with no typing rule: in strict mode the
# runtime refuses to run an unregistered Function. A warning in both views: a registration
# in code the checker does not see would make it legal.
import torch
import torch.nn as nn
import torch.nn.functional as F
import spmd_types as spmd
from spmd_types import I, P, R, S, V


class _FusedBiasGelu(torch.autograd.Function):
    """bias + GELU in one kernel (Megatron's bias_gelu_impl)."""

    @staticmethod
    def forward(ctx, x, bias):
        ctx.save_for_backward(x, bias)
        return F.gelu(x + bias)

    @staticmethod
    def backward(ctx, grad_output):
        x, bias = ctx.saved_tensors
        y = x + bias
        cdf = 0.5 * (1.0 + torch.erf(y / 1.4142135623730951))
        pdf = torch.exp(-0.5 * y * y) / 2.5066282746310002
        grad = grad_output * (cdf + y * pdf)
        return grad, grad.sum(0)


class ColumnParallelLinearGelu(nn.Module):
    def __init__(self, in_features, out_features, tp_size):
        super().__init__()
        self.weight = nn.Parameter(torch.empty(out_features // tp_size, in_features))
        self.bias = nn.Parameter(torch.zeros(out_features // tp_size))
        spmd.assert_type(self.weight, {"tp": S(0)}, R)
        spmd.assert_type(self.bias, {"tp": S(0)}, R)

    def forward(self, x):
        x = spmd.convert(x, "tp", src=I, dst=R)
        return _FusedBiasGelu.apply(F.linear(x, self.weight), self.bias)  # W: spmd-unregistered-function


# --- driver ---
from spmd_types.checker import typecheck
from torch.distributed.device_mesh import init_device_mesh

mesh = init_device_mesh("cpu", (2, 4), mesh_dim_names=("dp", "tp"))
with spmd.set_current_mesh(mesh), typecheck():
    layer = ColumnParallelLinearGelu(16, 32, tp_size=4)
    x = torch.randn(2, 8, 16)
    spmd.assert_type(x, {"dp": S(0), "tp": I})
    y = layer(x)
