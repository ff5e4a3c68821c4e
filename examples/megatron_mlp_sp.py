"""Megatron-style tensor-parallel MLP with sequence parallelism.

Between blocks the activations are sharded over the sequence on tp (Varying);
the MLP all-gathers them on entry and reduce-scatters the row-parallel output.
"""

import torch
import torch.distributed as dist
import torch.nn.functional as F
from torch.distributed.device_mesh import init_device_mesh

import spmd_types as spmd
from spmd_types import R, V
from spmd_types.checker import typecheck


def sequence_parallel_mlp(x, fc1, fc2, tp):
    h = spmd.all_gather(x, tp, src=V, dst=R)  # gather the sequence; reduce-scatter in backward
    h = F.silu(h @ fc1)  # R @ V -> V
    y = h @ fc2  # V @ V -> V, a partial sum per rank
    return spmd.reduce_scatter(y, tp, src=V, dst=V)  # sum and keep this rank's sequence shard


def main():
    if not dist.is_initialized():
        dist.init_process_group("fake", rank=0, world_size=8)
    mesh = init_device_mesh("cpu", (2, 4), mesh_dim_names=("dp", "tp"))
    tp = mesh.get_group("tp")
    with spmd.set_current_mesh(mesh), typecheck():
        x = torch.randn(2, 16)
        spmd.assert_type(x, {"dp": V, "tp": V})
        fc1 = torch.randn(16, 8, requires_grad=True)
        spmd.assert_type(fc1, {"dp": R, "tp": V})
        fc2 = torch.randn(8, 16, requires_grad=True)
        spmd.assert_type(fc2, {"dp": R, "tp": V})
        y = sequence_parallel_mlp(x, fc1, fc2, tp)
        spmd.assert_type(y, {"dp": V, "tp": V})


if __name__ == "__main__":
    main()
