"""convert(R, I) raises unless expert_mode=True: R -> I is the backward of convert(I, P)."""
import torch
import spmd_types as spmd
from spmd_types import I, P, R, S, V
from spmd_types.checker import typecheck
from torch.distributed.device_mesh import init_device_mesh

mesh = init_device_mesh("cpu", (2, 4), mesh_dim_names=("dp", "tp"))
with spmd.set_current_mesh(mesh), typecheck():
    x = torch.randn(4, 8, requires_grad=True)
    spmd.assert_type(x, {"dp": R, "tp": R})
    y = spmd.convert(x, "tp", src=R, dst=I)  # E: spmd-expert-mode "expert_mode=True"
