"""dist.all_gather into a list built for the group's size: in strict mode each output tensor must be typed on the group's axis before the call."""
import torch
import torch.distributed as dist
import spmd_types as spmd
from spmd_types import I, P, R, S, V
from spmd_types.checker import typecheck
from torch.distributed.device_mesh import init_device_mesh

mesh = init_device_mesh("cpu", (2, 4), mesh_dim_names=("dp", "tp"))
tp = mesh.get_group("tp")
with spmd.set_current_mesh(mesh), typecheck():
    x = torch.randn(4, 8)
    spmd.assert_type(x, {"dp": R, "tp": V})
    outs = [torch.empty(4, 8) for _ in range(dist.get_world_size(tp))]
    dist.all_gather(outs, x, group=tp)  # E: spmd-missing-axis
