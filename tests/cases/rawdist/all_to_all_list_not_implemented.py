"""The list form dist.all_to_all is rejected as not yet implemented (use all_to_all_single or spmd.all_to_all)."""
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
    outs = [torch.empty(1, 8) for _ in range(4)]
    ins = list(x.chunk(4))
    dist.all_to_all(outs, ins, group=tp)  # E: spmd-raw-dist-unsupported
