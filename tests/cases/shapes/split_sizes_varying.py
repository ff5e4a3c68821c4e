"""all_gather split_sizes (uneven gather) are only supported with src=S(i): with src=V it is a ValueError."""
import torch
import spmd_types as spmd
from spmd_types import I, P, R, S, V
from spmd_types.checker import typecheck
from torch.distributed.device_mesh import init_device_mesh

mesh = init_device_mesh("cpu", (2, 4), mesh_dim_names=("dp", "tp"))
with spmd.set_current_mesh(mesh), typecheck():
    x = torch.randn(4, 8)
    spmd.assert_type(x, {"dp": R, "tp": V})
    y = spmd.all_gather(x, "tp", src=V, dst=R, split_sizes=[4, 4, 4, 4])  # E: spmd-invalid-transition
