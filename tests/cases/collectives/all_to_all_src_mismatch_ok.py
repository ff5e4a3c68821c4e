"""Twin of all_to_all_src_mismatch: reduce_scatter the Partial value, then all_to_all."""
import torch
import spmd_types as spmd
from spmd_types import I, P, R, S, V
from spmd_types.checker import typecheck
from torch.distributed.device_mesh import init_device_mesh

mesh = init_device_mesh("cpu", (2, 4), mesh_dim_names=("dp", "tp"))
with spmd.set_current_mesh(mesh), typecheck():
    x = torch.randn(4, 8, requires_grad=True)
    spmd.assert_type(x, {"dp": R, "tp": P})
    v = spmd.reduce_scatter(x, "tp", dst=S(1))
    y = spmd.all_to_all(v, "tp", src=S(1), dst=S(0))
    reveal_type(y)  # T: {dp: R, tp: V}
