# A causal-mask buffer (register_buffer, annotated Replicate in __init__) is added to partial
# attention scores before their all_reduce: every rank would add the mask, and the reduction
# would add it tp times. The scores are Partial on tp (reinterpret) and the buffer Replicate
# whatever the caller passes.
import math

import torch
import torch.nn as nn
import torch.nn.functional as F
import spmd_types as spmd
from spmd_types import I, P, R, S, V


class HeadDimParallelCausalAttention(nn.Module):
    """Causal attention whose head dim is sharded on tp: the scores are partial sums."""

    def __init__(self, dim, max_seq_len, tp_size):
        super().__init__()
        self.scale = 1.0 / math.sqrt(dim)
        self.wq = nn.Parameter(torch.empty(dim // tp_size, dim))
        self.wk = nn.Parameter(torch.empty(dim // tp_size, dim))
        spmd.assert_type(self.wq, {"tp": S(0)}, R)
        spmd.assert_type(self.wk, {"tp": S(0)}, R)
        mask = torch.triu(torch.full((max_seq_len, max_seq_len), float("-inf")), diagonal=1)
        self.register_buffer("causal_mask", mask, persistent=False)
        spmd.assert_type(self.causal_mask, {"tp": R}, R)

    def forward(self, x):
        spmd.assert_type(x, {"tp": R})
        seqlen = x.shape[1]
        q, k = F.linear(x, self.wq), F.linear(x, self.wk)
        scores = spmd.reinterpret(q @ k.transpose(-2, -1), "tp", src=V, dst=P) * self.scale
        scores = scores + self.causal_mask[:seqlen, :seqlen]  # E: spmd-partial-affine
        scores = spmd.all_reduce(scores, "tp", dst=R)
        return F.softmax(scores, dim=-1)


# --- driver ---
from spmd_types.checker import typecheck
from torch.distributed.device_mesh import init_device_mesh

mesh = init_device_mesh("cpu", (2, 4), mesh_dim_names=("dp", "tp"))
with spmd.set_current_mesh(mesh), typecheck():
    attn = HeadDimParallelCausalAttention(16, max_seq_len=8, tp_size=4)
    x = torch.randn(2, 8, 16)
    spmd.assert_type(x, {"dp": S(0), "tp": R})
    probs = attn(x)
