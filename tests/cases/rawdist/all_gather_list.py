"""dist.all_gather into a list: every output tensor must be typed R or I; the index of the bad one is in the message."""
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
    outs = [torch.empty(4, 8) for _ in range(4)]
    for o in outs[:3]:
        spmd.assert_type(o, {"dp": R, "tp": I})
    spmd.assert_type(outs[3], {"dp": R, "tp": P})
    dist.all_gather(outs, x, group=tp)  # E: spmd-raw-output-type
