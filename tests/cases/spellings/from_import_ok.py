# Names imported directly, reducing with the bare all_reduce before sigmoid.
import torch
from spmd_types import P, R, all_reduce, assert_type, set_current_mesh
from spmd_types.checker import typecheck
from torch.distributed.device_mesh import init_device_mesh

mesh = init_device_mesh("cpu", (2, 4), mesh_dim_names=("dp", "tp"))
with set_current_mesh(mesh), typecheck():
    x = torch.randn(4, 8)
    assert_type(x, {"dp": R, "tp": P})
    y = all_reduce(x, "tp", dst=R).sigmoid()
    reveal_type(y)  # T: {dp: R, tp: R}
