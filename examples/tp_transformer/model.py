"""Transformer blocks and the model: pre-norm residual blocks over Invariant activations."""

import torch
import torch.nn.functional as F
from torch import nn

import spmd_types as spmd
from spmd_types import I, R

from . import attention as attn
from .mlp import ParallelMLP
from .parallel import ColumnParallelLinear


class RMSNorm(nn.Module):
    """Normalisation of an Invariant activation: every tp rank does the same work."""

    def __init__(self, hidden, tp, eps=1e-6):
        super().__init__()
        self.eps = eps
        self.weight = nn.Parameter(torch.ones(hidden))
        # not split over tp: the same gain on every tp rank, and its gradient too (I)
        spmd.assert_type(self.weight, R, {tp: I})

    def forward(self, x):
        # x: {tp: I}. Non-linear ops are fine on I: only a Partial value would be wrong here.
        scale = torch.rsqrt(x.pow(2).mean(dim=-1, keepdim=True) + self.eps)
        return x * scale * self.weight


class Block(nn.Module):
    def __init__(self, hidden, heads, ffn_hidden, tp):
        super().__init__()
        self.tp = tp
        self.ln1 = RMSNorm(hidden, tp)
        self.attn = attn.ParallelAttention(hidden, heads, tp)
        self.ln2 = RMSNorm(hidden, tp)
        self.mlp = ParallelMLP(hidden, ffn_hidden, tp)

    def forward(self, x):
        # both sublayers return Invariant values: the residual stream stays I on tp
        x = x + self.attn(self.ln1(x))
        return x + self.mlp(self.ln2(x))


class TinyTransformer(nn.Module):
    def __init__(self, vocab, hidden, heads, ffn_hidden, layers, tp):
        super().__init__()
        # a replicated embedding table (Megatron would split it over the vocabulary too)
        self.embed = nn.Parameter(torch.normal(0.0, 1.0, (vocab, hidden)))
        spmd.assert_type(self.embed, R, {tp: I})
        self.blocks = nn.ModuleList([Block(hidden, heads, ffn_hidden, tp) for _ in range(layers)])
        self.norm = RMSNorm(hidden, tp)
        # vocabulary-parallel logits: each tp rank computes the logits of its slice of the
        # vocabulary, and the loss (loss.py) reduces over tp without gathering them
        self.head = ColumnParallelLinear(hidden, vocab, tp, bias=False)

    def forward(self, tokens):
        # tokens: {dp: V, tp: I}, integer ids of shape (batch, seq)
        x = F.embedding(tokens, self.embed)  # {dp: V, tp: I}
        for block in self.blocks:
            x = block(x)
        return self.head(self.norm(x))  # {dp: V, tp: V}: (batch, seq, vocab // tp)
