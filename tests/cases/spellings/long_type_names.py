# The long names spmd.Replicate / Partial / Varying / Invariant are the same types as R / P / V / I.
import torch
import spmd_types as spmd
from spmd_types import Invariant, Partial
from spmd_types.checker import typecheck
from torch.distributed.device_mesh import init_device_mesh

mesh = init_device_mesh("cpu", (2, 4), mesh_dim_names=("dp", "tp"))
with spmd.set_current_mesh(mesh), typecheck():
    x = torch.randn(4, 8)
    spmd.assert_type(x, {"dp": spmd.Replicate, "tp": Partial})
    reveal_type(x)  # T: {dp: R, tp: P}
    w = torch.randn(4, 8)
    spmd.assert_type(w, {"dp": spmd.Varying, "tp": Invariant})
    reveal_type(w)  # T: {dp: V, tp: I}
    reveal_type(spmd.all_reduce(x, "tp", src=spmd.Partial, dst=spmd.Replicate))  # T: {dp: R, tp: R}
