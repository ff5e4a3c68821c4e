"""Megatron-style tensor-parallel MLP, without sequence parallelism.

Activations are Invariant on tp between blocks (every tp rank holds the same
value and does the same work); fc1 is column-parallel and fc2 row-parallel,
so their weights are Varying on tp. The batch is sharded over dp.
"""

import torch
import torch.distributed as dist
import torch.nn.functional as F
from torch.distributed.device_mesh import init_device_mesh

import spmd_types as spmd
from spmd_types import I, R, V
from spmd_types.checker import typecheck


def parallel_mlp(x, fc1, fc2, tp):
    h = spmd.convert(x, tp, src=I, dst=R)  # Megatron's copy-to-TP-region: all-reduce in backward
    h = F.gelu(h @ fc1)  # R @ V -> V: each rank holds its columns
    y = h @ fc2  # V @ V -> V: each rank holds a partial sum
    return spmd.all_reduce(y, tp, src=V, dst=I)  # sum the partial results; identity backward


def main():
    if not dist.is_initialized():
        dist.init_process_group("fake", rank=0, world_size=8)
    mesh = init_device_mesh("cpu", (2, 4), mesh_dim_names=("dp", "tp"))
    tp = mesh.get_group("tp")
    with spmd.set_current_mesh(mesh), typecheck():
        x = torch.randn(4, 16)
        spmd.assert_type(x, {"dp": V, "tp": I})
        fc1 = torch.randn(16, 8, requires_grad=True)
        spmd.assert_type(fc1, {"dp": R, "tp": V})
        fc2 = torch.randn(8, 16, requires_grad=True)
        spmd.assert_type(fc2, {"dp": R, "tp": V})
        y = parallel_mlp(x, fc1, fc2, tp)
        spmd.assert_type(y, {"dp": V, "tp": I})


if __name__ == "__main__":
    main()
