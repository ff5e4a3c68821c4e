"""Twin of reinterpret_no_grad_requires_grad: on a tensor without grad, R -> I; it mutates the tensor itself (I -> R shown on y's source)."""
import torch
import spmd_types as spmd
from spmd_types import I, P, R, S, V, PartitionSpec
from spmd_types.checker import typecheck
from torch.distributed.device_mesh import init_device_mesh

mesh = init_device_mesh("cpu", (2, 4), mesh_dim_names=("dp", "tp"))
with spmd.set_current_mesh(mesh), typecheck():
    x = torch.randn(4, 8)
    spmd.assert_type(x, {"dp": R, "tp": R})
    y = spmd.reinterpret_no_grad(x, "tp", dst=I)
    reveal_type(y)  # T: {dp: R, tp: I}
    reveal_type(x)  # T: {dp: R, tp: I}
    z = spmd.reinterpret_no_grad(y, "dp", dst=I)
    reveal_type(x)  # T: {dp: I, tp: I}
