"""dist.reduce_scatter_tensor: P input, the output must be pre-annotated V; an output annotated R is rejected."""
import torch
import torch.distributed as dist
import spmd_types as spmd
from spmd_types import I, P, R, S, V
from spmd_types.checker import typecheck
from torch.distributed.device_mesh import init_device_mesh

mesh = init_device_mesh("cpu", (2, 4), mesh_dim_names=("dp", "tp"))
tp = mesh.get_group("tp")
with spmd.set_current_mesh(mesh), typecheck():
    x = torch.randn(16, 8)
    spmd.assert_type(x, {"dp": R, "tp": P})
    out = torch.empty(4, 8)
    spmd.assert_type(out, {"dp": R, "tp": R})
    dist.reduce_scatter_tensor(out, x, group=tp)  # E: spmd-raw-output-type
