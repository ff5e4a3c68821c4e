"""A vocabulary-parallel cross-entropy, averaged over a data-parallel batch.

backward() is legal only on a loss that is Invariant or Partial on every mesh
axis (the implicit gradient, 1.0 on each rank, is Invariant). Here the loss is
I on tp (every tp rank ends with the same value) and P on dp (each dp rank
holds its share of the mean over the global batch).
"""

import torch.nn.functional as F

import spmd_types as spmd
from spmd_types import I, P, S, V


def vocab_parallel_logsumexp(logits, tp):
    """log(sum(exp(logits))) over the whole vocabulary; logits: {tp: V}, one slice each."""
    # The maximum only keeps exp() from overflowing: no gradient flows through it, so it
    # may be Invariant and still be subtracted from the Varying logits.
    local_max = logits.detach().amax(dim=-1, keepdim=True)
    global_max = spmd.all_gather(local_max, tp, src=V, dst=I).amax(dim=0)  # stacked on dim 0
    sum_exp = spmd.all_reduce((logits - global_max).exp().sum(dim=-1), tp, src=V, dst=I)
    return sum_exp.log() + global_max.squeeze(-1)  # {tp: I}


def vocab_parallel_cross_entropy(logits, labels, dp, tp, z_loss=1e-4):
    """Mean cross-entropy over the global batch.

    logits: {dp: V, tp: V}, (batch, seq, vocab // tp); labels: {dp: V, tp: I}, (batch, seq).
    Returns a scalar {dp: P, tp: I}.
    """
    vocab = logits.shape[-1] * tp.size()
    # one-hot over the whole vocabulary, then keep this rank's slice (no communication)
    onehot = spmd.convert(F.one_hot(labels, vocab).to(logits.dtype), tp, src=I, dst=S(2))
    # the label's logit lives on one rank: the others contribute zeros to the sum
    target = spmd.all_reduce((logits * onehot).sum(dim=-1), tp, src=V, dst=I)
    lse = vocab_parallel_logsumexp(logits, tp)
    # z-loss (PaLM) keeps the normaliser near zero; all terms are {dp: V, tp: I}
    per_token = lse - target + z_loss * lse.pow(2)
    # Each dp rank holds different tokens. Its local mean divided by the dp size is its
    # share of the global mean, and the global loss is the pending sum of the shares.
    share = per_token.mean() / dp.size()
    return spmd.reinterpret(share, dp, src=V, dst=P)
