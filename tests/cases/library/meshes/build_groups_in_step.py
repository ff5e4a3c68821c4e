# A helper takes the tensor-parallel group from the mesh it is given. The training step
# calls it inside typecheck() with the mesh the driver built before: slicing runs torch ops
# on that mesh's own rank tensor, built outside typecheck() and so typed on no axis, which
# strict mode rejects. In the library view the mesh is the caller's (nothing is known of
# where it was built): nothing.
import torch
import spmd_types as spmd
from spmd_types import I, P, R, S, V


def tp_group(mesh):
    return mesh["tp"].get_group()  # E: spmd-mesh-op-in-typecheck  # L: -


# --- driver ---
from spmd_types.checker import typecheck
from torch.distributed.device_mesh import init_device_mesh

mesh = init_device_mesh("cpu", (2, 4), mesh_dim_names=("dp", "tp"))
with spmd.set_current_mesh(mesh), typecheck():
    tp = tp_group(mesh)
