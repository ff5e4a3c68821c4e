"""Twin of scalar_arith_invariant: V with R merges to V; a plain number adopts the Scalar's type; Partial times Partial is not checked."""
import torch
import spmd_types as spmd
from spmd_types import I, P, R, S, V
from spmd_types.checker import typecheck
from torch.distributed.device_mesh import init_device_mesh

mesh = init_device_mesh("cpu", (2, 4), mesh_dim_names=("dp", "tp"))
with spmd.set_current_mesh(mesh), typecheck():
    a = spmd.Scalar(2.0, {"dp": R, "tp": V})
    b = spmd.Scalar(3.0, {"dp": R, "tp": R})
    c = (a + b) * 2
    x = torch.randn(4, 8)
    spmd.assert_type(x, {"dp": R, "tp": R})
    reveal_type(x * c)  # T: {dp: R, tp: V}
    p = spmd.Scalar(2.0, {"dp": R, "tp": P})
    reveal_type(x * (p * p))  # T: {dp: R, tp: P}
