"""Tensor-parallel gated MLP (SwiGLU, as in Llama), split the Megatron way.

    out = down(silu(gate(x)) * up(x))

gate and up are column-parallel: each tp rank computes its own slice of the
hidden units. down is row-parallel: it sums the ranks' contributions. Between
the two, everything is elementwise over hidden units, so each rank works on
its own slice and no communication is needed: one all-reduce per MLP.
"""

import torch.nn.functional as F
from torch import nn

from . import parallel


class ParallelMLP(nn.Module):
    def __init__(self, hidden, ffn_hidden, tp):
        super().__init__()
        self.gate = parallel.ColumnParallelLinear(hidden, ffn_hidden, tp, bias=False)
        self.up = parallel.ColumnParallelLinear(hidden, ffn_hidden, tp, bias=False)
        self.down = parallel.RowParallelLinear(ffn_hidden, hidden, tp)

    def forward(self, x):
        # x: {tp: I}; the two projections: {tp: V}, this rank's hidden units
        gate = self.gate(x)
        up = self.up(x)
        # SiLU on a Varying value is fine: V is this rank's own values, not a pending sum.
        # And V * V is V: both factors hold the same hidden units on a rank (unlike a
        # product of two Partial values, which would not be a partial sum any more).
        h = F.silu(gate) * up
        return self.down(h)  # {tp: I}
