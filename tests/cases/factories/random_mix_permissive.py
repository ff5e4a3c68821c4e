# config: strict-mode = "permissive"
# Permissive mode skips the untyped ({}) operand: the result takes the typed operand's type.
import torch
import spmd_types as spmd
from spmd_types import I, P, R, S, V
from spmd_types.checker import typecheck
from torch.distributed.device_mesh import init_device_mesh

mesh = init_device_mesh("cpu", (2, 4), mesh_dim_names=("dp", "tp"))
with spmd.set_current_mesh(mesh), typecheck(strict_mode="permissive"):
    noise = torch.randn(4, 8)
    reveal_type(noise)  # T: {}
    v = torch.randn(4, 8)
    spmd.assert_type(v, {"dp": V, "tp": R})
    reveal_type(v + noise)  # T: {dp: V, tp: R}
    p = torch.randn(4, 8)
    spmd.assert_type(p, {"dp": R, "tp": P})
    reveal_type(noise + p)  # T: {dp: R, tp: P}
