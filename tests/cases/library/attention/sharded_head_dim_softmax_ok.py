# Attention with the head dimension sharded on tp: the partial scores are all-reduced before
# the softmax.
import math

import torch
import torch.nn as nn
import torch.nn.functional as F
import spmd_types as spmd
from spmd_types import I, P, R, S, V


class HeadDimParallelAttention(nn.Module):
    def __init__(self, dim, tp_size):
        super().__init__()
        self.scale = 1.0 / math.sqrt(dim)
        self.wq = nn.Parameter(torch.empty(dim // tp_size, dim))
        self.wk = nn.Parameter(torch.empty(dim // tp_size, dim))
        self.wv = nn.Parameter(torch.empty(dim // tp_size, dim))
        self.wo = nn.Parameter(torch.empty(dim, dim // tp_size))
        for w in (self.wq, self.wk, self.wv):
            spmd.assert_type(w, {"tp": S(0)}, R)
        spmd.assert_type(self.wo, {"tp": S(1)}, R)

    def forward(self, x):
        spmd.assert_type(x, {"tp": R})
        q, k, v = F.linear(x, self.wq), F.linear(x, self.wk), F.linear(x, self.wv)
        reveal_type(q)  # T: {dp: V, tp: V}  # LT: {tp: V, ...}
        scores = spmd.reinterpret(q @ k.transpose(-2, -1), "tp", src=V, dst=P) * self.scale
        reveal_type(scores)  # T: {dp: V, tp: P}  # LT: {tp: P, ...}
        scores = spmd.all_reduce(scores, "tp", dst=R)
        probs = F.softmax(scores, dim=-1)
        reveal_type(probs)  # T: {dp: V, tp: R}  # LT: {tp: R, ...}
        out = F.linear(probs @ v, self.wo)
        return spmd.all_reduce(out, "tp", src=V, dst=R)


# --- driver ---
from spmd_types.checker import typecheck
from torch.distributed.device_mesh import init_device_mesh

mesh = init_device_mesh("cpu", (2, 4), mesh_dim_names=("dp", "tp"))
with spmd.set_current_mesh(mesh), typecheck():
    attn = HeadDimParallelAttention(16, tp_size=4)
    x = torch.randn(2, 8, 16)
    spmd.assert_type(x, {"dp": S(0), "tp": R})
    y = attn(x)
    reveal_type(y)  # T: {dp: V, tp: R}
