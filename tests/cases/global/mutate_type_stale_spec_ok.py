"""Twin of mutate_type_stale_spec: the all_gather that filled the buffer updates the PartitionSpec itself."""
import torch
import spmd_types as spmd
from spmd_types import I, P, R, S, V
from spmd_types.checker import typecheck
from torch.distributed.device_mesh import init_device_mesh

mesh = init_device_mesh("cpu", (2, 4), mesh_dim_names=("dp", "tp"))
with spmd.set_current_mesh(mesh), typecheck(local=False):
    x = torch.randn(4, 8)
    spmd.assert_type(x, {"dp": R, "tp": S(0)})
    g = spmd.all_gather(x, "tp", src=S(0), dst=R)
    y = g + 1
    reveal_type(y)  # T: {dp: R, tp: R}
