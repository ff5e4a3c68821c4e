# Tuple unpacking (and a swap) binds each name to its element's type; then P + R is affine.
import torch
import spmd_types as spmd
from spmd_types import I, P, R, S, V
from spmd_types.checker import typecheck
from torch.distributed.device_mesh import init_device_mesh

mesh = init_device_mesh("cpu", (2, 4), mesh_dim_names=("dp", "tp"))
with spmd.set_current_mesh(mesh), typecheck():
    p = torch.randn(4, 8)
    spmd.assert_type(p, {"dp": R, "tp": P})
    r = torch.randn(4, 8)
    spmd.assert_type(r, {"dp": R, "tp": R})
    a, b = r, p
    a, b = b, a
    reveal_type(a)  # T: {dp: R, tp: P}
    reveal_type(b)  # T: {dp: R, tp: R}
    c = a + b  # E: spmd-partial-affine
