# An in-place op under torch.no_grad() does not detach its target: it still requires
# grad after the block, so R and I are told apart again.
import torch
import spmd_types as spmd
from spmd_types import I, P, R, S, V
from spmd_types.checker import typecheck
from torch.distributed.device_mesh import init_device_mesh

mesh = init_device_mesh("cpu", (2, 4), mesh_dim_names=("dp", "tp"))
with spmd.set_current_mesh(mesh), typecheck():
    x = torch.randn(4, 8, requires_grad=True)
    spmd.assert_type(x, {"dp": R, "tp": R})
    y = x.sum(0)
    with torch.no_grad():
        y += y
    z = spmd.invariant_to_replicate(y, "tp")  # E: spmd-src-mismatch
