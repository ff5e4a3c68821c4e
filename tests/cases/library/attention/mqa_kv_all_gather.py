# Multi-query attention under tensor parallelism: the query heads are sharded on tp, but the
# single key/value head cannot be, so its projection is replicated and k, v are Replicate. A
# helper copied from the multi-head layer all-gathers k as if it were sharded: src=S(1) does
# not match the Replicate k, whatever the caller's x (asserted Replicate on tp).
import torch
import torch.nn as nn
import torch.nn.functional as F
import spmd_types as spmd
from spmd_types import I, P, R, S, V


class MultiQueryAttention(nn.Module):
    def __init__(self, dim, n_heads, tp_size):
        super().__init__()
        self.head_dim = dim // n_heads
        self.n_local_heads = n_heads // tp_size
        self.wq = nn.Parameter(torch.empty(dim // tp_size, dim))
        self.wk = nn.Parameter(torch.empty(self.head_dim, dim))
        self.wv = nn.Parameter(torch.empty(self.head_dim, dim))
        self.wo = nn.Parameter(torch.empty(dim, dim // tp_size))
        spmd.assert_type(self.wq, {"tp": S(0)}, R)
        spmd.assert_type(self.wo, {"tp": S(1)}, R)
        for w in (self.wk, self.wv):
            spmd.assert_type(w, R)

    def forward(self, x):
        spmd.assert_type(x, {"tp": R})
        bsz, seqlen, _ = x.shape
        q = F.linear(x, self.wq).view(bsz, seqlen, self.n_local_heads, self.head_dim)
        k = F.linear(x, self.wk).view(bsz, seqlen, 1, self.head_dim)
        v = F.linear(x, self.wv).view(bsz, seqlen, 1, self.head_dim)
        k = spmd.all_gather(k, "tp", src=S(2), dst=R)  # E: spmd-src-mismatch
        q, k, v = q.transpose(1, 2), k.transpose(1, 2), v.transpose(1, 2)
        probs = F.softmax(q @ k.transpose(-2, -1) / self.head_dim**0.5, dim=-1)
        ctx = (probs @ v).transpose(1, 2).reshape(bsz, seqlen, -1)
        return spmd.all_reduce(F.linear(ctx, self.wo), "tp", src=V, dst=R)


# --- driver ---
from spmd_types.checker import typecheck
from torch.distributed.device_mesh import init_device_mesh

mesh = init_device_mesh("cpu", (2, 4), mesh_dim_names=("dp", "tp"))
with spmd.set_current_mesh(mesh), typecheck():
    attn = MultiQueryAttention(16, n_heads=8, tp_size=4)
    x = torch.randn(2, 8, 16)
    spmd.assert_type(x, {"dp": S(0), "tp": R})
    y = attn(x)
