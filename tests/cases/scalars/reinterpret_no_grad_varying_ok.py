"""Twin of reinterpret_no_grad_varying: I -> R on the axis that is I."""
import torch
import spmd_types as spmd
from spmd_types import I, P, R, S, V, PartitionSpec
from spmd_types.checker import typecheck
from torch.distributed.device_mesh import init_device_mesh

mesh = init_device_mesh("cpu", (2, 4), mesh_dim_names=("dp", "tp"))
with spmd.set_current_mesh(mesh), typecheck():
    x = torch.randn(4, 8)
    spmd.assert_type(x, {"dp": I, "tp": V})
    y = spmd.reinterpret_no_grad(x, "dp", dst=R)
    reveal_type(y)  # T: {dp: R, tp: V}
