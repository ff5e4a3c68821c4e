# Vocab-parallel cross-entropy: the softmax denominator is a sum over the sharded vocabulary,
# marked as a pending sum; the loss takes its log before reducing it. The reinterpret makes it
# Partial on tp_group whatever the logits were.
import torch
import torch.nn as nn
import spmd_types as spmd
from spmd_types import I, P, R, S, V


def vocab_parallel_cross_entropy(vocab_parallel_logits, target, tp_group):
    """Cross-entropy over logits whose vocabulary dim is sharded on tp_group (Megatron's
    _VocabParallelCrossEntropy, without the max subtraction)."""
    spmd.assert_type(vocab_parallel_logits, {tp_group: S(1)})
    spmd.assert_type(target, {tp_group: R})
    partition_vocab_size = vocab_parallel_logits.shape[-1]
    vocab_start_index = tp_group.rank() * partition_vocab_size
    vocab_end_index = vocab_start_index + partition_vocab_size

    # The logit of the target, taken on the rank that holds it and summed over the ranks.
    target_mask = (target < vocab_start_index) | (target >= vocab_end_index)
    masked_target = target - vocab_start_index
    masked_target[target_mask] = 0
    predicted_logits = vocab_parallel_logits.gather(-1, masked_target.unsqueeze(-1)).squeeze(-1)
    predicted_logits[target_mask] = 0.0
    predicted_logits = spmd.all_reduce(predicted_logits, tp_group, src=V, dst=R)

    # The softmax denominator: a sum over the whole vocabulary.
    sum_exp_logits = torch.exp(vocab_parallel_logits).sum(dim=-1)
    sum_exp_logits = spmd.reinterpret(sum_exp_logits, tp_group, src=V, dst=P)
    return torch.log(sum_exp_logits) - predicted_logits  # E: spmd-partial-nonlinear "non-linear"


# --- driver ---
from spmd_types.checker import typecheck
from torch.distributed.device_mesh import init_device_mesh

mesh = init_device_mesh("cpu", (2, 4), mesh_dim_names=("dp", "tp"))
with spmd.set_current_mesh(mesh), typecheck():
    logits = torch.randn(8, 16, requires_grad=True)
    spmd.assert_type(logits, {"dp": S(0), "tp": S(1)})
    target = torch.randint(0, 64, (8,))
    spmd.assert_type(target, {"dp": S(0), "tp": R})
    loss = vocab_parallel_cross_entropy(logits, target, mesh.get_group("tp"))
