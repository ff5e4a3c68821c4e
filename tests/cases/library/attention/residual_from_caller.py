# The same attention block without its input contract: the residual add before the reduction
# fails in the driver, where x is Replicate. The library view finds it too: x comes from the
# caller, but a Partial x (the only one that would make the add legal) fails at the first
# F.linear already, so every x that reaches the add makes it fail.
import torch
import torch.nn as nn
import torch.nn.functional as F
import spmd_types as spmd
from spmd_types import I, P, R, S, V


class Attention(nn.Module):
    def __init__(self, dim, n_heads, tp_size):
        super().__init__()
        self.n_local_heads = n_heads // tp_size
        self.head_dim = dim // n_heads
        self.wqkv = nn.Parameter(torch.empty(3 * dim // tp_size, dim))
        self.wo = nn.Parameter(torch.empty(dim, dim // tp_size))
        spmd.assert_type(self.wqkv, {"tp": S(0)}, R)
        spmd.assert_type(self.wo, {"tp": S(1)}, R)

    def forward(self, x):
        bsz, seqlen, _ = x.shape
        q, k, v = F.linear(x, self.wqkv).chunk(3, dim=-1)
        q = q.view(bsz, seqlen, self.n_local_heads, self.head_dim).transpose(1, 2)
        k = k.view(bsz, seqlen, self.n_local_heads, self.head_dim).transpose(1, 2)
        v = v.view(bsz, seqlen, self.n_local_heads, self.head_dim).transpose(1, 2)
        scores = (q @ k.transpose(-2, -1)) / self.head_dim**0.5
        ctx = F.softmax(scores, dim=-1) @ v
        ctx = ctx.transpose(1, 2).reshape(bsz, seqlen, -1)
        out = spmd.reinterpret(F.linear(ctx, self.wo), "tp", src=V, dst=P)
        return x + out  # E: spmd-partial-affine


# --- driver ---
from spmd_types.checker import typecheck
from torch.distributed.device_mesh import init_device_mesh

mesh = init_device_mesh("cpu", (2, 4), mesh_dim_names=("dp", "tp"))
with spmd.set_current_mesh(mesh), typecheck():
    attn = Attention(16, n_heads=8, tp_size=4)
    x = torch.randn(2, 8, 16)
    spmd.assert_type(x, {"dp": S(0), "tp": R})
    y = attn(x)
