"""set_current_mesh(local_axes=...) without a mesh re-uses the current one; nested in a mesh it opens a region."""
import torch
import spmd_types as spmd
from spmd_types import I, P, R, S, V
from spmd_types.checker import typecheck
from torch.distributed.device_mesh import init_device_mesh

mesh = init_device_mesh("cpu", (2, 4), mesh_dim_names=("dp", "tp"))
with spmd.set_current_mesh(mesh), typecheck(local=False):
    with spmd.set_current_mesh(local_axes=("dp",)):
        x = torch.randn(4, 8)
        spmd.assert_type(x, {"dp": V, "tp": S(1)})
        reveal_type(x * 2)  # T: {dp: V, tp: S(1)}
