"""A row-parallel linear whose partial sums go through GELU before being reduced.

This file has a planted bug: `spmd-check examples/` reports it.
"""

import torch
import torch.distributed as dist
import torch.nn.functional as F
from torch.distributed.device_mesh import init_device_mesh

import spmd_types as spmd
from spmd_types import I, P, R, V
from spmd_types.checker import typecheck


def row_parallel_block(h, w, tp):
    y = h @ w  # V @ V: a partial sum on every rank
    y = spmd.reinterpret(y, tp, src=V, dst=P)
    y = F.gelu(y)  # BUG: GELU of a partial sum is not the partial sum of GELUs
    return spmd.all_reduce(y, tp, src=P, dst=I)


def main():
    if not dist.is_initialized():
        dist.init_process_group("fake", rank=0, world_size=8)
    mesh = init_device_mesh("cpu", (2, 4), mesh_dim_names=("dp", "tp"))
    tp = mesh.get_group("tp")
    with spmd.set_current_mesh(mesh), typecheck():
        h = torch.randn(4, 8)
        spmd.assert_type(h, {"dp": V, "tp": V})
        w = torch.randn(8, 16, requires_grad=True)
        spmd.assert_type(w, {"dp": R, "tp": V})
        out = row_parallel_block(h, w, tp)
        spmd.assert_type(out, {"dp": V, "tp": I})


if __name__ == "__main__":
    main()
