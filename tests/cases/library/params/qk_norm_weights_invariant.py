# QK-norm weights are annotated in a loop over the two norms, Invariant on tp as if q and k
# were replicated; the heads are sharded, so q and k are Varying, and the norm weights (which
# require grad) cannot multiply them. The annotation is made in __init__ and q is Varying
# whatever x is: the library view finds it, inside RMSNorm.forward called from the attention.
import torch
import torch.nn as nn
import torch.nn.functional as F
import spmd_types as spmd
from spmd_types import I, P, R, S, V


class RMSNorm(nn.Module):
    def __init__(self, dim, eps=1e-6):
        super().__init__()
        self.eps = eps
        self.weight = nn.Parameter(torch.ones(dim))

    def forward(self, x):
        return x * torch.rsqrt(x.pow(2).mean(-1, keepdim=True) + self.eps) * self.weight  # E: spmd-invariant-mix


class QKNormAttention(nn.Module):
    """Attention with per-head RMSNorm on q and k (Qwen3 / OLMo2 style), heads sharded on tp."""

    def __init__(self, dim, n_heads, tp_size):
        super().__init__()
        self.head_dim = dim // n_heads
        self.n_local_heads = n_heads // tp_size
        self.wq = nn.Parameter(torch.empty(dim // tp_size, dim))
        self.wk = nn.Parameter(torch.empty(dim // tp_size, dim))
        spmd.assert_type(self.wq, {"tp": S(0)}, R)
        spmd.assert_type(self.wk, {"tp": S(0)}, R)
        self.q_norm = RMSNorm(self.head_dim)
        self.k_norm = RMSNorm(self.head_dim)
        for norm in (self.q_norm, self.k_norm):
            spmd.assert_type(norm.weight, {"tp": I}, R)

    def forward(self, x):
        spmd.assert_type(x, {"tp": R})
        bsz, seqlen, _ = x.shape
        q = F.linear(x, self.wq).view(bsz, seqlen, self.n_local_heads, self.head_dim)
        k = F.linear(x, self.wk).view(bsz, seqlen, self.n_local_heads, self.head_dim)
        q, k = self.q_norm(q), self.k_norm(k)
        return q.transpose(1, 2) @ k.transpose(1, 2).transpose(-2, -1)


# --- driver ---
from spmd_types.checker import typecheck
from torch.distributed.device_mesh import init_device_mesh

mesh = init_device_mesh("cpu", (2, 4), mesh_dim_names=("dp", "tp"))
with spmd.set_current_mesh(mesh), typecheck():
    attn = QKNormAttention(16, n_heads=8, tp_size=4)
    x = torch.randn(2, 8, 16)
    spmd.assert_type(x, {"dp": S(0), "tp": R})
    scores = attn(x)
