"""Tensor-parallel self-attention: heads split over tp, output projection row-parallel."""

import math

import torch
import torch.distributed as dist
from torch.distributed.device_mesh import init_device_mesh

import spmd_types as spmd
from spmd_types import I, R, V
from spmd_types.checker import typecheck


def attention(x, wq, wk, wv, wo, tp):
    h = spmd.convert(x, tp, src=I, dst=R)
    q = h @ wq  # each rank computes its own heads
    k = h @ wk
    v = h @ wv
    scores = (q @ k.transpose(-2, -1)) / math.sqrt(q.shape[-1])
    probs = torch.softmax(scores, dim=-1)  # fine: V is not a pending sum
    context = probs @ v
    out = context @ wo  # row-parallel: a partial sum per rank
    return spmd.all_reduce(out, tp, src=V, dst=I)


def main():
    if not dist.is_initialized():
        dist.init_process_group("fake", rank=0, world_size=8)
    mesh = init_device_mesh("cpu", (2, 4), mesh_dim_names=("dp", "tp"))
    tp = mesh.get_group("tp")
    with spmd.set_current_mesh(mesh), typecheck():
        x = torch.randn(3, 16)
        spmd.assert_type(x, {"dp": V, "tp": I})
        weights = []
        for shape in ((16, 4), (16, 4), (16, 4), (4, 16)):
            w = torch.randn(*shape, requires_grad=True)
            spmd.assert_type(w, {"dp": R, "tp": V})
            weights.append(w)
        wq, wk, wv, wo = weights
        out = attention(x, wq, wk, wv, wo, tp)
        spmd.assert_type(out, {"dp": V, "tp": I})


if __name__ == "__main__":
    main()
