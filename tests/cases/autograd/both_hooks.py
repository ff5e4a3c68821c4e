"""A Function with both typecheck_forward and spmd_typecheck cannot be registered (TypeError)."""
import torch
import spmd_types as spmd
from spmd_types import I, P, R, S, V, rules
from spmd_types.checker import typecheck
from torch.distributed.device_mesh import init_device_mesh


class Double(torch.autograd.Function):
    @staticmethod
    def forward(ctx, x):
        return x * 2

    @staticmethod
    def backward(ctx, g):
        return g * 2

    @staticmethod
    def typecheck_forward(x):
        return Double.apply(x)

    @staticmethod
    def spmd_typecheck(*, x):
        return x


spmd.register_autograd_function(Double)  # E: spmd-registration
