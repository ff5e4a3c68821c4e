"""A DP+TP loss: logits sharded over the vocabulary on tp, batch sharded on dp.

The local loss is a partial sum on tp after the vocab-parallel reduction, and
Varying on dp; reinterpreting it as Partial on dp makes backward() give every
dp rank the gradient of the global (summed) loss.
"""

import torch
import torch.distributed as dist
from torch.distributed.device_mesh import init_device_mesh

import spmd_types as spmd
from spmd_types import I, P, R, V
from spmd_types.checker import typecheck


def vocab_parallel_loss(logits, tp):
    # the max over the vocabulary needs every shard: gather it, no gradient flows through it
    local_max = logits.detach().amax(dim=-1, keepdim=True)
    global_max = spmd.all_gather(local_max, tp, src=V, dst=R).amax(dim=0)
    shifted = logits - global_max
    sum_exp = spmd.all_reduce(shifted.exp().sum(dim=-1), tp, src=V, dst=R)
    return sum_exp.log().mean()


def main():
    if not dist.is_initialized():
        dist.init_process_group("fake", rank=0, world_size=8)
    mesh = init_device_mesh("cpu", (2, 4), mesh_dim_names=("dp", "tp"))
    tp = mesh.get_group("tp")
    dp = mesh.get_group("dp")
    with spmd.set_current_mesh(mesh), typecheck():
        logits = torch.randn(4, 32, requires_grad=True)
        spmd.assert_type(logits, {"dp": V, "tp": V})
        loss = vocab_parallel_loss(logits, tp)
        loss = spmd.reinterpret(loss, dp, src=V, dst=P)
        loss = spmd.convert(loss, tp, src=R, dst=P)
        loss.backward()


if __name__ == "__main__":
    main()
