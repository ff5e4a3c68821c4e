# Both branches of an if/else leave y Partial; the join is P and relu rejects it.
import torch
import spmd_types as spmd
from spmd_types import I, P, R, S, V
from spmd_types.checker import typecheck
from torch.distributed.device_mesh import init_device_mesh

mesh = init_device_mesh("cpu", (2, 4), mesh_dim_names=("dp", "tp"))
with spmd.set_current_mesh(mesh), typecheck():
    x = torch.randn(4, 8)
    spmd.assert_type(x, {"dp": R, "tp": P})
    if x.shape[0] > 2:
        y = x * 2.0
    else:
        y = x - x
    reveal_type(y)  # T: {dp: R, tp: P}
    z = torch.relu(y)  # E: spmd-partial-nonlinear
