# A SwiGLU feed-forward that reduces its own output; the transformer block uses it as it is.
import torch
import torch.nn as nn
import torch.nn.functional as F
import spmd_types as spmd
from spmd_types import I, P, R, S, V


class FeedForward(nn.Module):
    def __init__(self, dim, hidden_dim, tp_size):
        super().__init__()
        self.w1 = nn.Parameter(torch.empty(hidden_dim // tp_size, dim))
        self.w2 = nn.Parameter(torch.empty(dim, hidden_dim // tp_size))
        self.w3 = nn.Parameter(torch.empty(hidden_dim // tp_size, dim))
        spmd.assert_type(self.w1, {"tp": S(0)}, R)
        spmd.assert_type(self.w2, {"tp": S(1)}, R)
        spmd.assert_type(self.w3, {"tp": S(0)}, R)

    def forward(self, x):
        x = spmd.convert(x, "tp", src=I, dst=R)
        reveal_type(x)  # T: {dp: V, tp: R}  # LT: {tp: R, ...}
        out = F.linear(F.silu(F.linear(x, self.w1)) * F.linear(x, self.w3), self.w2)
        reveal_type(out)  # T: {dp: V, tp: V}  # LT: {tp: V, ...}
        return spmd.all_reduce(out, "tp", src=V, dst=I)


class TransformerBlock(nn.Module):
    def __init__(self, dim, hidden_dim, tp_size):
        super().__init__()
        self.feed_forward = FeedForward(dim, hidden_dim, tp_size)

    def forward(self, h):
        out = self.feed_forward(h)
        reveal_type(out)  # T: {dp: V, tp: I}  # LT: {tp: I, ...}
        return h + out


# --- driver ---
from spmd_types.checker import typecheck
from torch.distributed.device_mesh import init_device_mesh

mesh = init_device_mesh("cpu", (2, 4), mesh_dim_names=("dp", "tp"))
with spmd.set_current_mesh(mesh), typecheck():
    block = TransformerBlock(16, 64, tp_size=4)
    h = torch.randn(2, 8, 16)
    spmd.assert_type(h, {"dp": S(0), "tp": I})
    y = block(h)
    reveal_type(y)  # T: {dp: V, tp: I}
