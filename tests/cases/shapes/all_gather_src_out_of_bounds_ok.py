"""Twin of all_gather_src_out_of_bounds: src=S(-1) gathers along the last dim."""
import torch
import spmd_types as spmd
from spmd_types import I, P, R, S, V
from spmd_types.checker import typecheck
from torch.distributed.device_mesh import init_device_mesh

mesh = init_device_mesh("cpu", (2, 4), mesh_dim_names=("dp", "tp"))
with spmd.set_current_mesh(mesh), typecheck():
    x = torch.randn(4, 8)
    spmd.assert_type(x, {"dp": R, "tp": S(1)})
    y = spmd.all_gather(x, "tp", src=S(-1), dst=R)
    reveal_type(y)  # T: {dp: R, tp: R}
