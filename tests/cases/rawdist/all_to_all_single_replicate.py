"""dist.all_to_all_single needs a V input (and a V output); a Replicate input is rejected."""
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
    out = torch.empty(4, 8)
    spmd.assert_type(out, {"dp": R, "tp": V})
    dist.all_to_all_single(out, x, group=tp)  # E: spmd-src-mismatch
