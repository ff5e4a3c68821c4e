"""Twin of scalar_shard_type: a V Scalar at a non-tensor position (narrow's start) still takes part in the op's type."""
import torch
import spmd_types as spmd
from spmd_types import I, P, R, S, V
from spmd_types.checker import typecheck
from torch.distributed.device_mesh import init_device_mesh

mesh = init_device_mesh("cpu", (2, 4), mesh_dim_names=("dp", "tp"))
with spmd.set_current_mesh(mesh), typecheck():
    x = torch.randn(4, 8)
    spmd.assert_type(x, {"dp": R, "tp": R})
    start = spmd.Scalar(1, {"dp": R, "tp": V})
    y = torch.narrow(x, 0, start, 2)
    reveal_type(y)  # T: {dp: R, tp: V}
    f = torch.full((4, 8), spmd.Scalar(1.0, {"dp": R, "tp": V}))
    reveal_type(f)  # T: {dp: R, tp: V}
