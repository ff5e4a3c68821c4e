"""Twin of redistribute_not_innermost: gather tp (innermost) first, then dp."""
import torch
import spmd_types as spmd
from spmd_types import I, P, R, S, V, PartitionSpec
from spmd_types.checker import typecheck
from torch.distributed.device_mesh import init_device_mesh

mesh = init_device_mesh("cpu", (2, 4), mesh_dim_names=("dp", "tp"))
with spmd.set_current_mesh(mesh), typecheck(local=False):
    x = torch.randn(8, 16)
    spmd.assert_type(x, R, PartitionSpec(("dp", "tp"), None))
    reveal_type(x)  # T: {dp: S(0), tp: S(0)}
    y = spmd.redistribute(x, "tp", src=S(0), dst=R)
    reveal_type(y)  # T: {dp: S(0), tp: R}
    z = spmd.redistribute(y, "dp", src=S(0), dst=R)
    reveal_type(z)  # T: {dp: R, tp: R}
