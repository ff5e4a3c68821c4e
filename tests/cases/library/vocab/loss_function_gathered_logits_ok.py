# A vocab-parallel loss written as a registered autograd Function with a typecheck_forward
# contract; the LM head hands it the vocabulary-sharded logits.
import torch
import torch.nn as nn
import torch.nn.functional as F
import spmd_types as spmd
from spmd_types import I, P, R, S, V


@spmd.register_autograd_function
class _VocabParallelCrossEntropy(torch.autograd.Function):
    """Vocab-parallel cross-entropy as one autograd Function (torchtitan's loss-parallel
    replacement): logits S(1) on tp_group, labels R -> loss I."""

    @staticmethod
    def forward(ctx, logits, labels, tp_group):
        log_probs = logits - torch.logsumexp(logits, dim=-1, keepdim=True)
        ctx.save_for_backward(log_probs, labels)
        return -log_probs.gather(-1, labels.unsqueeze(-1)).squeeze(-1)

    @staticmethod
    def backward(ctx, grad_output):
        log_probs, labels = ctx.saved_tensors
        grad = log_probs.exp()
        grad.scatter_add_(-1, labels.unsqueeze(-1), -torch.ones_like(grad[..., :1]))
        return grad * grad_output.unsqueeze(-1), None, None

    @staticmethod
    def typecheck_forward(logits, labels, tp_group):
        spmd.assert_type(logits, {tp_group: S(1)})
        spmd.assert_type(labels, {tp_group: R})
        loss = _VocabParallelCrossEntropy.apply(logits, labels, tp_group)
        spmd.assert_type(loss, {tp_group: I})
        return loss


class LanguageModelHead(nn.Module):
    def __init__(self, hidden_size, vocab_size, tp_group):
        super().__init__()
        self.tp_group = tp_group
        self.weight = nn.Parameter(torch.empty(vocab_size // tp_group.size(), hidden_size))
        spmd.assert_type(self.weight, {tp_group: S(0)})

    def forward(self, hidden_states, labels):
        hidden_states = spmd.convert(hidden_states, self.tp_group, src=I, dst=R)
        logits = F.linear(hidden_states, self.weight)
        reveal_type(logits)  # T: {tp: V}  # LT: {tp_group: V}
        return _VocabParallelCrossEntropy.apply(logits, labels, self.tp_group)


# --- driver ---
from spmd_types.checker import typecheck
from torch.distributed.device_mesh import init_device_mesh

mesh = init_device_mesh("cpu", (4,), mesh_dim_names=("tp",))
with spmd.set_current_mesh(mesh), typecheck():
    head = LanguageModelHead(16, 64, mesh.get_group("tp"))
    h = torch.randn(8, 16)
    spmd.assert_type(h, {"tp": I})
    labels = torch.randint(0, 16, (8,))
    spmd.assert_type(labels, {"tp": R})
    loss = head(h, labels)
    reveal_type(loss)  # T: {tp: I}
