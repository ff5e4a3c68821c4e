"""Twin of local_axes_order: with dp local, a dp-V tensor needs no PartitionSpec entry for dp; tp is global and propagates."""
import torch
import spmd_types as spmd
from spmd_types import I, P, R, S, V
from spmd_types.checker import typecheck
from torch.distributed.device_mesh import init_device_mesh

mesh = init_device_mesh("cpu", (2, 4), mesh_dim_names=("dp", "tp"))
with spmd.set_current_mesh(mesh, local_axes=("dp",)), typecheck(local=False):
    x = torch.randn(4, 8)
    spmd.assert_type(x, {"dp": V, "tp": S(0)})
    y = x + 1
    reveal_type(y)  # T: {dp: V, tp: S(0)}
    reveal_type(x.sum(0))  # T: {dp: V, tp: P}
