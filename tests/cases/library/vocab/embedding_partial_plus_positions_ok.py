# Megatron's vocab-parallel embedding reduces its masked rows itself; the default src=P of
# all_reduce accepts the Varying rows (an implicit reinterpret V -> P), so the embedding
# layer adds Replicate position embeddings to a Replicate value.
import torch
import torch.nn as nn
import torch.nn.functional as F
import spmd_types as spmd
from spmd_types import I, P, R, S, V


class VocabParallelEmbedding(nn.Module):
    """Megatron's VocabParallelEmbedding: each tp rank holds a contiguous slice of the rows."""

    def __init__(self, num_embeddings, embedding_dim, tp_group):
        super().__init__()
        self.tp_group = tp_group
        per_partition = num_embeddings // tp_group.size()
        self.vocab_start_index = tp_group.rank() * per_partition
        self.vocab_end_index = self.vocab_start_index + per_partition
        self.weight = nn.Parameter(torch.empty(per_partition, embedding_dim))
        spmd.assert_type(self.weight, {tp_group: S(0)})

    def forward(self, input_):
        # Mask the tokens this rank does not hold; their rows come from the other ranks.
        input_mask = (input_ < self.vocab_start_index) | (input_ >= self.vocab_end_index)
        masked_input = input_.clone() - self.vocab_start_index
        masked_input[input_mask] = 0
        output_parallel = F.embedding(masked_input, self.weight)
        output_parallel[input_mask, :] = 0.0
        # reduce_from_tensor_model_parallel_region: the Varying rows are summed over the ranks
        # (all_reduce's default src=P accepts a Varying input: V is reinterpreted as P)
        output = spmd.all_reduce(output_parallel, self.tp_group, dst=R)
        reveal_type(output)  # T: {tp: R}  # LT: {tp_group: R}
        return output


class Embedding(nn.Module):
    """Word embeddings (vocab-parallel) plus learned position embeddings (replicated)."""

    def __init__(self, vocab_size, hidden_size, max_sequence_length, tp_group):
        super().__init__()
        self.word_embeddings = VocabParallelEmbedding(vocab_size, hidden_size, tp_group)
        self.position_embeddings = nn.Parameter(torch.empty(max_sequence_length, hidden_size))
        spmd.assert_type(self.position_embeddings, {tp_group: R})

    def forward(self, input_ids):
        words = self.word_embeddings(input_ids)
        positions = self.position_embeddings[: input_ids.shape[-1]]
        return words + positions


# --- driver ---
from spmd_types.checker import typecheck
from torch.distributed.device_mesh import init_device_mesh

mesh = init_device_mesh("cpu", (4,), mesh_dim_names=("tp",))
with spmd.set_current_mesh(mesh), typecheck():
    embedding = Embedding(64, 16, max_sequence_length=32, tp_group=mesh.get_group("tp"))
    input_ids = torch.randint(0, 64, (2, 8))
    spmd.assert_type(input_ids, {"tp": R})
    h = embedding(input_ids)
    reveal_type(h)  # T: {tp: R}
