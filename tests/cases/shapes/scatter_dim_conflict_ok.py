"""Twin of scatter_dim_conflict: dst=S(1) scatters along dim 1."""
import torch
import spmd_types as spmd
from spmd_types import I, P, R, S, V
from spmd_types.checker import typecheck
from torch.distributed.device_mesh import init_device_mesh

mesh = init_device_mesh("cpu", (2, 4), mesh_dim_names=("dp", "tp"))
with spmd.set_current_mesh(mesh), typecheck():
    x = torch.randn(16, 8)
    spmd.assert_type(x, {"dp": R, "tp": P})
    y = spmd.reduce_scatter(x, "tp", src=P, dst=S(1), scatter_dim=1)
    reveal_type(y)  # T: {dp: R, tp: V}
