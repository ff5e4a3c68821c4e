# library-config: mesh-axes = ["dp", "tp"]
# Twin of build_groups_in_step: the helper builds the mesh itself and slices it. Called
# inside typecheck() under the training mesh, the new mesh's rank tensor is made there and
# typed on the mesh's axes, so slicing it runs typed ops: the runtime accepts it.
import torch
import spmd_types as spmd
from spmd_types import I, P, R, S, V
from torch.distributed.device_mesh import init_device_mesh


def build_groups():
    mesh = init_device_mesh("cpu", (2, 4), mesh_dim_names=("dp", "tp"))
    tp = mesh["tp"].get_group()
    return mesh, tp


# --- driver ---
from spmd_types.checker import typecheck

world = init_device_mesh("cpu", (2, 4), mesh_dim_names=("dp", "tp"))
with spmd.set_current_mesh(world), typecheck():
    mesh, tp = build_groups()
    x = torch.randn(4, 8)
    spmd.assert_type(x, {"dp": R, "tp": P})
    y = spmd.all_reduce(x, tp, src=P, dst=R)
    reveal_type(y)  # T: {dp: R, tp: R}
