"""An axis given by name needs a current mesh; a process group does not."""
import torch
import spmd_types as spmd
from spmd_types import I, P, R, S, V
from spmd_types.checker import typecheck
from torch.distributed.device_mesh import init_device_mesh

mesh = init_device_mesh("cpu", (2, 4), mesh_dim_names=("dp", "tp"))
with typecheck():
    x = torch.randn(4, 8, requires_grad=True)
    spmd.assert_type(x, {"tp": V})  # E: spmd-no-current-mesh
