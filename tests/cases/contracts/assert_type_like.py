# assert_type_like copies the source's type, with overrides.
import torch
import spmd_types as spmd
from spmd_types import I, P, R, S, V
from spmd_types.checker import typecheck
from torch.distributed.device_mesh import init_device_mesh

mesh = init_device_mesh("cpu", (2, 4), mesh_dim_names=("dp", "tp"))
with spmd.set_current_mesh(mesh), typecheck():
    tp = mesh.get_group("tp")
    x = torch.randn(4, 8)
    spmd.assert_type(x, {"dp": V, "tp": V})
    out = torch.randn(4, 8)
    spmd.assert_type_like(out, x, {tp: R})
    reveal_type(out)  # T: {dp: V, tp: R}
    y = torch.randn(4, 8)
    spmd.assert_type(y, {"dp": R, "tp": R})
    spmd.assert_type_like(y, x)  # E: spmd-assert-mismatch
