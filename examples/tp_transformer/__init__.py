"""A small Megatron-style tensor-parallel transformer, annotated with spmd_types.

The mesh has two axes: ``dp`` (data parallel: every rank of a dp group sees a
different slice of the batch) and ``tp`` (tensor parallel: the weights of
each linear layer are split over the ranks of a tp group).

The types on the ``tp`` axis follow Megatron-LM without sequence parallelism:

* between layers, activations are Invariant (I): every tp rank holds the same
  value and does the same work with it;
* a column-parallel linear turns them into Varying (V): each rank holds its
  own columns (attention heads, MLP hidden units, vocabulary entries);
* a row-parallel linear consumes V and all-reduces its partial products back
  to I.

Parameters are Replicate (R) on ``dp``: every dp rank holds the same copy and
contributes its own gradient, which is a pending sum (P) across dp.

Run one training step under the runtime checker with
``python -m tp_transformer.train`` from ``examples/``.
"""

from .model import TinyTransformer
from .parallel import ColumnParallelLinear, RowParallelLinear

__all__ = ["ColumnParallelLinear", "RowParallelLinear", "TinyTransformer"]
