# `import torch as th`: th.exp on a Partial tensor.
import torch as th
import spmd_types as spmd
from spmd_types import I, P, R, S, V
from spmd_types.checker import typecheck
from torch.distributed.device_mesh import init_device_mesh

mesh = init_device_mesh("cpu", (2, 4), mesh_dim_names=("dp", "tp"))
with spmd.set_current_mesh(mesh), typecheck():
    x = th.randn(4, 8)
    spmd.assert_type(x, {"dp": R, "tp": P})
    y = th.exp(x)  # E: spmd-partial-nonlinear
