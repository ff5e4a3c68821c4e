"""dist.broadcast reaches the checker in torch 2.13 and is rejected as not yet implemented, whatever the operand type."""
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
    spmd.assert_type(x, {"dp": R, "tp": R})
    dist.broadcast(x, group_src=0, group=tp)  # E: spmd-raw-dist-unsupported
