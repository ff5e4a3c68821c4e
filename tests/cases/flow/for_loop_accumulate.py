# Adding a Replicate bias to a Partial accumulator inside a loop is affine.
import torch
import spmd_types as spmd
from spmd_types import I, P, R, S, V
from spmd_types.checker import typecheck
from torch.distributed.device_mesh import init_device_mesh

mesh = init_device_mesh("cpu", (2, 4), mesh_dim_names=("dp", "tp"))
with spmd.set_current_mesh(mesh), typecheck():
    p = torch.randn(4, 8)
    spmd.assert_type(p, {"dp": R, "tp": P})
    bias = torch.randn(4, 8)
    spmd.assert_type(bias, {"dp": R, "tp": R})
    acc = p.clone()
    for _ in range(3):
        acc = acc + bias  # E: spmd-partial-affine
