"""Tensor-parallel causal self-attention: the heads are split over tp.

q, k and v come from column-parallel projections, so each tp rank holds the
projections of its own heads (Varying) and runs attention for those heads
alone: no communication until the row-parallel output projection.
"""

import math

import torch
from torch import nn

from .parallel import ColumnParallelLinear, RowParallelLinear


class ParallelAttention(nn.Module):
    def __init__(self, hidden, heads, tp):
        super().__init__()
        assert heads % tp.size() == 0, "the heads must split evenly over tp"
        self.tp = tp
        self.local_heads = heads // tp.size()
        self.head_dim = hidden // heads
        # one column-parallel projection for q, k and v: each rank gets whole heads
        self.qkv = ColumnParallelLinear(hidden, 3 * hidden, tp)
        self.proj = RowParallelLinear(hidden, hidden, tp)

    def forward(self, x):
        # x: {tp: I}, shape (batch, seq, hidden)
        batch, seq, _ = x.shape
        qkv = self.qkv(x)  # {tp: V}: (batch, seq, 3 * local_heads * head_dim)
        qkv = qkv.view(batch, seq, 3, self.local_heads, self.head_dim)
        q, k, v = qkv.permute(2, 0, 3, 1, 4).unbind(0)  # each (batch, local_heads, seq, head_dim)

        scores = q @ k.transpose(-2, -1) / math.sqrt(self.head_dim)
        # a factory under the current mesh is R on every axis; V + R -> V
        mask = torch.full((seq, seq), float("-inf")).triu(1)
        probs = torch.softmax(scores + mask, dim=-1)  # fine: V is local, not a pending sum
        context = probs @ v  # {tp: V}: this rank's heads

        context = context.transpose(1, 2).reshape(batch, seq, self.local_heads * self.head_dim)
        return self.proj(context)  # {tp: I}: the row-parallel projection sums over the heads
