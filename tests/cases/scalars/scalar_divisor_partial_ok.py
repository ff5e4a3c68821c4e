"""Twin of scalar_divisor_partial: a Partial numerator over a Replicate Scalar stays Partial."""
import torch
import spmd_types as spmd
from spmd_types import I, P, R, S, V
from spmd_types.checker import typecheck
from torch.distributed.device_mesh import init_device_mesh

mesh = init_device_mesh("cpu", (2, 4), mesh_dim_names=("dp", "tp"))
with spmd.set_current_mesh(mesh), typecheck():
    x = torch.randn(4, 8)
    spmd.assert_type(x, {"dp": R, "tp": P})
    count = spmd.Scalar(8.0, {"dp": R, "tp": R})
    y = x / count
    reveal_type(y)  # T: {dp: R, tp: P}
