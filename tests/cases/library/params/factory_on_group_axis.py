# A helper makes a mask with torch.ones under the training step's typecheck() and annotates it
# Varying on a group it is given. Under a mesh that has that group as an axis, ones() is
# Replicate there, and re-asserting it Varying is a mismatch: the driver's tp group is one of
# its mesh's axes. In the library view nothing is expected: the group is a parameter, and
# whether it is an axis of the caller's mesh (ones() is then R on it) or not (no type on it,
# which assert_type sets) is the caller's.
import torch
import spmd_types as spmd
from spmd_types import I, P, R, S, V


def varying_mask(n, group):
    mask = torch.ones(n)
    spmd.assert_type(mask, {group: V})  # E: spmd-assert-mismatch  # L: -
    return mask


# --- driver ---
from spmd_types.checker import typecheck
from torch.distributed.device_mesh import init_device_mesh

mesh = init_device_mesh("cpu", (2, 4), mesh_dim_names=("dp", "tp"))
with spmd.set_current_mesh(mesh), typecheck():
    mask = varying_mask(8, mesh.get_group("tp"))
