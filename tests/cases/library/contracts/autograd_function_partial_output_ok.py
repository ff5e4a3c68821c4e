# A registered autograd Function with a legacy typecheck_forward (the fused row-parallel
# matmul): its Partial output is reduced.
import torch
import torch.nn as nn
import torch.nn.functional as F
import spmd_types as spmd
from spmd_types import I, P, R, S, V


@spmd.register_autograd_function
class _RowParallelMatmul(torch.autograd.Function):
    """x @ w with w row-sharded: forward leaves the partial products to reduce, backward needs
    no communication. typecheck_forward states the types the fused kernel cannot show."""

    @staticmethod
    def forward(ctx, x, weight, group):
        ctx.save_for_backward(x, weight)
        return x @ weight

    @staticmethod
    def backward(ctx, grad_output):
        x, weight = ctx.saved_tensors
        return grad_output @ weight.t(), x.t() @ grad_output, None

    @staticmethod
    def typecheck_forward(x, weight, group):
        spmd.assert_type(x, {group: V})
        spmd.assert_type(weight, {group: V})
        out = _RowParallelMatmul.apply(x, weight, group)
        spmd.assert_type(out, {group: P})
        return out


class ParallelMLP(nn.Module):
    def __init__(self, hidden_size, ffn_hidden_size, tp_group):
        super().__init__()
        self.tp_group = tp_group
        tp_size = tp_group.size()
        self.w_in = nn.Parameter(torch.empty(hidden_size, ffn_hidden_size // tp_size))
        self.w_out = nn.Parameter(torch.empty(ffn_hidden_size // tp_size, hidden_size))
        spmd.assert_type(self.w_in, {tp_group: S(1)})
        spmd.assert_type(self.w_out, {tp_group: S(0)})

    def forward(self, x):
        x = spmd.convert(x, self.tp_group, src=I, dst=R)
        h = F.gelu(x @ self.w_in)
        out = _RowParallelMatmul.apply(h, self.w_out, self.tp_group)
        reveal_type(out)  # T: {tp: P}  # LT: {tp_group: P}
        return spmd.all_reduce(out, self.tp_group, dst=I)

# --- driver ---
from spmd_types.checker import typecheck
from torch.distributed.device_mesh import init_device_mesh

mesh = init_device_mesh("cpu", (4,), mesh_dim_names=("tp",))
with spmd.set_current_mesh(mesh), typecheck():
    mlp = ParallelMLP(16, 64, mesh.get_group("tp"))
    x = torch.randn(8, 16)
    spmd.assert_type(x, {"tp": I})
    y = mlp(x)
    reveal_type(y)  # T: {tp: I}
