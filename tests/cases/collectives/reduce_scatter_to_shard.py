"""reduce_scatter P -> S(1): in local mode the result is plain V (no PartitionSpec) until an assert_type refines it."""
import torch
import spmd_types as spmd
from spmd_types import I, P, R, S, V
from spmd_types.checker import typecheck
from torch.distributed.device_mesh import init_device_mesh

mesh = init_device_mesh("cpu", (2, 4), mesh_dim_names=("dp", "tp"))
with spmd.set_current_mesh(mesh), typecheck():
    x = torch.randn(4, 8, requires_grad=True)
    spmd.assert_type(x, {"dp": R, "tp": P})
    y = spmd.reduce_scatter(x, "tp", src=P, dst=S(1))
    reveal_type(y)  # T: {dp: R, tp: V}
    spmd.assert_type(y, {"tp": S(1)})
    reveal_type(y)  # T: {dp: R, tp: S(1)}
