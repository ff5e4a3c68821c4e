"""One training step of the tensor-parallel transformer under the runtime checker.

From ``examples/``: ``python -m tp_transformer.train``. Without torchrun, main()
starts a fake process group of 8 ranks: a 2 (dp) x 4 (tp) mesh.
"""

import torch
import torch.distributed as dist
from torch.distributed.device_mesh import init_device_mesh

import spmd_types as spmd
from spmd_types import I, P, V
from spmd_types.checker import typecheck

from . import loss as losses
from .model import TinyTransformer

VOCAB, HIDDEN, HEADS, FFN_HIDDEN, LAYERS = 64, 32, 8, 64, 2
BATCH, SEQ = 2, 6  # per dp rank


def train_step(model, optimizer, tokens, labels, dp, tp):
    logits = model(tokens)  # {dp: V, tp: V}
    loss = losses.vocab_parallel_cross_entropy(logits, labels, dp, tp)  # {dp: P, tp: I}
    loss.backward()
    # Gradients carry no SPMD type in spmd_types 0.3.1: the update runs unchecked.
    # (Real training averages the gradients over dp first, e.g. with DDP.)
    with spmd.no_typecheck():
        optimizer.step()
        optimizer.zero_grad()
    # for logging: the global mean loss, the sum of the dp shares; no gradient needed
    global_loss = spmd.all_reduce(loss.detach(), dp, src=P, dst=I)
    perplexity = global_loss.exp()
    return global_loss, perplexity


def main():
    if not dist.is_initialized():
        dist.init_process_group("fake", rank=0, world_size=8)
    mesh = init_device_mesh("cpu", (2, 4), mesh_dim_names=("dp", "tp"))
    dp = mesh.get_group("dp")
    tp = mesh.get_group("tp")
    torch.manual_seed(0)
    with spmd.set_current_mesh(mesh), typecheck():
        model = TinyTransformer(VOCAB, HIDDEN, HEADS, FFN_HIDDEN, LAYERS, tp)
        optimizer = torch.optim.SGD(model.parameters(), lr=0.1)
        # each dp rank reads its own slice of the batch; every tp rank of it reads the same one
        data = torch.randint(0, VOCAB, (BATCH, SEQ + 1))
        spmd.assert_type(data, {dp: V, tp: I})
        tokens, labels = data[:, :-1], data[:, 1:]
        global_loss, perplexity = train_step(model, optimizer, tokens, labels, dp, tp)
    print(f"loss {global_loss.item():.4f}  perplexity {perplexity.item():.2f}")


if __name__ == "__main__":
    main()
