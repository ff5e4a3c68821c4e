"""Global mode keeps local mode's strict rule: a tensor typed {} (no axes) is missing the mesh axes at its first op."""
import torch
import spmd_types as spmd
from spmd_types import I, P, R, S, V
from spmd_types.checker import typecheck
from torch.distributed.device_mesh import init_device_mesh

mesh = init_device_mesh("cpu", (2, 4), mesh_dim_names=("dp", "tp"))
with spmd.set_current_mesh(mesh), typecheck(local=False):
    x = torch.randn(4, 8)
    reveal_type(x)  # T: {}
    spmd.assert_type(x, {})
    reveal_type(x)  # T: {}
    y = x * 2  # E: spmd-missing-axis
