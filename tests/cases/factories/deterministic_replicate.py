# Deterministic factories are R on every axis of the current mesh.
import torch
import spmd_types as spmd
from spmd_types import I, P, R, S, V
from spmd_types.checker import typecheck
from torch.distributed.device_mesh import init_device_mesh

mesh = init_device_mesh("cpu", (2, 4), mesh_dim_names=("dp", "tp"))
with spmd.set_current_mesh(mesh), typecheck():
    reveal_type(torch.zeros(4, 8))  # T: {dp: R, tp: R}
    reveal_type(torch.ones(3))  # T: {dp: R, tp: R}
    reveal_type(torch.full((2, 2), 0.5))  # T: {dp: R, tp: R}
    reveal_type(torch.arange(10))  # T: {dp: R, tp: R}
    reveal_type(torch.tensor([1.0, 2.0]))  # T: {dp: R, tp: R}
    reveal_type(torch.eye(3))  # T: {dp: R, tp: R}
    reveal_type(torch.linspace(0.0, 1.0, 5))  # T: {dp: R, tp: R}
