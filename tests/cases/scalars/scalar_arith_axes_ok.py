"""Twin of scalar_arith_axes: outside typecheck() Scalar arithmetic is plain arithmetic on the values."""
import torch
import spmd_types as spmd
from spmd_types import I, P, R, S, V
from spmd_types.checker import typecheck
from torch.distributed.device_mesh import init_device_mesh

mesh = init_device_mesh("cpu", (2, 4), mesh_dim_names=("dp", "tp"))
a = spmd.Scalar(2.0, {mesh.get_group("dp"): R, mesh.get_group("tp"): V})
b = spmd.Scalar(3.0, {mesh.get_group("dp"): R})
c = a * b
assert c == 6.0 and type(c) is float
with spmd.set_current_mesh(mesh), typecheck():
    x = torch.randn(4, 8)
    spmd.assert_type(x, {"dp": R, "tp": R})
    reveal_type(x * c)  # T: {dp: R, tp: R}
