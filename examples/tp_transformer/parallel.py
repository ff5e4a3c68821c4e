"""Column- and row-parallel linear layers over a tensor-parallel process group.

Both layers store only this rank's shard of the weight. ``x @ weight`` is a
local matmul: the SPMD types say what that local result means globally.
"""

import torch
from torch import nn

import spmd_types as spmd
from spmd_types import I, P, R, V


def _init(in_features, out_features):
    # torch.normal in a single call: under a current mesh, random factories are
    # typed on no axis, and any arithmetic on them (randn(...) * std) is rejected
    return torch.normal(0.0, in_features**-0.5, (in_features, out_features))


class ColumnParallelLinear(nn.Module):
    """y = x @ W[:, cols] + b[cols]: Invariant input on tp, Varying output (this rank's columns)."""

    def __init__(self, in_features, out_features, tp, bias=True):
        super().__init__()
        self.tp = tp
        local_out = out_features // tp.size()
        self.weight = nn.Parameter(_init(in_features, local_out))
        # R on every axis (the data-parallel replicas hold the same copy), except tp: a shard per rank
        spmd.assert_type(self.weight, R, {self.tp: V})
        self.bias = None
        if bias:
            self.bias = nn.Parameter(torch.zeros(local_out))
            spmd.assert_type(self.bias, R, {self.tp: V})

    def forward(self, x):
        # Entering the tensor-parallel region (Megatron's copy_to_tensor_parallel_region):
        # I -> R is the identity forward, and an all-reduce of the gradient in backward,
        # because every rank computes a different part of the input's gradient.
        y = spmd.convert(x, self.tp, src=I, dst=R) @ self.weight  # R @ V -> V
        if self.bias is not None:
            y = y + self.bias  # V + V: each rank adds the bias of its own columns
        return y


class RowParallelLinear(nn.Module):
    """y = sum over ranks of x[rows] @ W[rows, :], + b: Varying input on tp, Invariant output."""

    def __init__(self, in_features, out_features, tp):
        super().__init__()
        self.tp = tp
        local_in = in_features // tp.size()
        self.weight = nn.Parameter(_init(local_in, out_features))
        spmd.assert_type(self.weight, R, {self.tp: V})
        # The bias is added once, after the sum: it is the same on every tp rank (I)
        self.bias = nn.Parameter(torch.zeros(out_features))
        spmd.assert_type(self.bias, R, {self.tp: I})

    def forward(self, x):
        # x is Varying: this rank's slice of the input features. Its product with this
        # rank's rows of the weight is this rank's share of the full product.
        partial = spmd.reinterpret(x @ self.weight, self.tp, src=V, dst=P)
        # Leaving the region (reduce_from_tensor_parallel_region): sum the shares.
        # dst=I because every rank does the same work next; the backward is the identity.
        return spmd.all_reduce(partial, self.tp, src=P, dst=I) + self.bias
