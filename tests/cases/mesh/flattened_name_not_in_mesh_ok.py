"""Twin of flattened_name_not_in_mesh: under the flattened mesh, "dp_tp" is a name."""
import torch
import spmd_types as spmd
from spmd_types import I, P, R, S, V
from spmd_types.checker import typecheck
from torch.distributed.device_mesh import init_device_mesh

mesh = init_device_mesh("cpu", (2, 4), mesh_dim_names=("dp", "tp"))
flat = mesh["dp", "tp"]._flatten("dp_tp")
with spmd.set_current_mesh(flat), typecheck():
    x = torch.randn(4, 8)
    spmd.assert_type(x, {"dp_tp": P})
    y = spmd.all_reduce(x, "dp_tp", src=P, dst=R)
    reveal_type(y)  # T: {dp_tp: R}
