# Axes named by module constants and enums: the well-typed twin.
from enum import Enum

import torch
import spmd_types as spmd
from spmd_types import I, P, R, S, V
from spmd_types.checker import typecheck
from torch.distributed.device_mesh import init_device_mesh

TP = "tp"


class MeshAxisName(str, Enum):
    DP = "dp"
    TP = "tp"


class Axis(Enum):
    DP = "dp"


mesh = init_device_mesh("cpu", (2, 4), mesh_dim_names=("dp", "tp"))
with spmd.set_current_mesh(mesh), typecheck():
    x = torch.randn(4, 8)
    spmd.assert_type(x, {Axis.DP.value: R, TP: P})
    y = spmd.all_reduce(x, MeshAxisName.TP, src=P, dst=R)
    reveal_type(y)  # T: {dp: R, tp: R}
    z = torch.relu(y)
    reveal_type(z)  # T: {dp: R, tp: R}
