"""Twin of scalar_bool_value: an int Scalar; a number times a Scalar, and a negated Scalar, keep its type under typecheck()."""
import torch
import spmd_types as spmd
from spmd_types import I, P, R, S, V
from spmd_types.checker import typecheck
from torch.distributed.device_mesh import init_device_mesh

mesh = init_device_mesh("cpu", (2, 4), mesh_dim_names=("dp", "tp"))
with spmd.set_current_mesh(mesh), typecheck():
    one = spmd.Scalar(1, {"dp": R, "tp": V})
    x = torch.randn(4, 8)
    spmd.assert_type(x, {"dp": R, "tp": R})
    reveal_type(x + 3 * one)  # T: {dp: R, tp: V}
    reveal_type(x * -one)  # T: {dp: R, tp: V}
