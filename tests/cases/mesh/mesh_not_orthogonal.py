"""set_current_mesh with dp and the flattened dp_tp group: the axes overlap, an error when the mesh is set."""
import torch
import spmd_types as spmd
from spmd_types import I, P, R, S, V
from spmd_types.checker import typecheck
from torch.distributed.device_mesh import init_device_mesh

mesh = init_device_mesh("cpu", (2, 4), mesh_dim_names=("dp", "tp"))
dp = mesh.get_group("dp")
dp_tp = mesh["dp", "tp"]._flatten("dp_tp").get_group()
with spmd.set_current_mesh([dp, dp_tp]), typecheck():  # E: spmd-axes-not-orthogonal
    x = torch.randn(4, 8)
