"""funcol.all_reduce is an unregistered op to the runtime: the non-linear rule applies, so a Partial operand is rejected."""
import torch
import torch.distributed as dist
import spmd_types as spmd
from spmd_types import I, P, R, S, V
from spmd_types.checker import typecheck
from torch.distributed.device_mesh import init_device_mesh

mesh = init_device_mesh("cpu", (2, 4), mesh_dim_names=("dp", "tp"))
tp = mesh.get_group("tp")
import torch.distributed._functional_collectives as funcol

with spmd.set_current_mesh(mesh), typecheck():
    x = torch.randn(4, 8)
    spmd.assert_type(x, {"dp": R, "tp": P})
    y = funcol.all_reduce(x, "sum", tp)  # E: spmd-partial-nonlinear
