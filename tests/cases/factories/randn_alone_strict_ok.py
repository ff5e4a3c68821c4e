# Typing the randn tensor first lets one-operand ops run on it.
import torch
import spmd_types as spmd
from spmd_types import I, P, R, S, V
from spmd_types.checker import typecheck
from torch.distributed.device_mesh import init_device_mesh

mesh = init_device_mesh("cpu", (2, 4), mesh_dim_names=("dp", "tp"))
with spmd.set_current_mesh(mesh), typecheck():
    noise = torch.randn(4, 8)
    spmd.assert_type(noise, {"dp": V, "tp": V})
    scaled = noise * 0.1
    reveal_type(scaled)  # T: {dp: V, tp: V}
    reveal_type(scaled.sum())  # T: {dp: V, tp: V}
