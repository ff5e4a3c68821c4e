"""A mesh built inside typecheck() but with no current mesh has a rank tensor typed on no axis: slicing it once it is the current mesh fails the missing-axis check."""
import torch
import spmd_types as spmd
from spmd_types import I, P, R, S, V
from spmd_types.checker import typecheck
from torch.distributed.device_mesh import init_device_mesh

with typecheck():
    mesh = init_device_mesh("cpu", (2, 4), mesh_dim_names=("dp", "tp"))
    with spmd.set_current_mesh(mesh):
        tp = mesh["tp"].get_group()  # E: spmd-mesh-op-in-typecheck
