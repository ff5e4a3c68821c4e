"""Twin of local_axis_collective_drops_spec: re-assert S(0) on tp after the dp all-reduce."""
import torch
import spmd_types as spmd
from spmd_types import I, P, R, S, V
from spmd_types.checker import typecheck
from torch.distributed.device_mesh import init_device_mesh

mesh = init_device_mesh("cpu", (2, 4), mesh_dim_names=("dp", "tp"))
with spmd.set_current_mesh(mesh, local_axes=("dp",)), typecheck(local=False):
    x = torch.randn(4, 8)
    spmd.assert_type(x, {"dp": V, "tp": S(0)})
    y = spmd.all_reduce(x, "dp", src=V, dst=R)
    spmd.assert_type(y, {"tp": S(0)})
    z = y + 1
    reveal_type(z)  # T: {dp: R, tp: S(0)}
