# The twin: randn is typed on no axis (its values differ by rank), so assert_type sets the
# mask Varying on the group, whatever the mesh is.
import torch
import spmd_types as spmd
from spmd_types import I, P, R, S, V


def varying_mask(n, group):
    mask = torch.randn(n)
    spmd.assert_type(mask, {group: V})
    return mask


# --- driver ---
from spmd_types.checker import typecheck
from torch.distributed.device_mesh import init_device_mesh

mesh = init_device_mesh("cpu", (2, 4), mesh_dim_names=("dp", "tp"))
with spmd.set_current_mesh(mesh), typecheck():
    mask = varying_mask(8, mesh.get_group("tp"))
