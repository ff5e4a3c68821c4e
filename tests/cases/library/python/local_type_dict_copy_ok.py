# A type dict copied from a tensor's type (dict(get_local_type(x))) and used as is to state
# the type of a value computed from it.
import torch
import spmd_types as spmd
from spmd_types import I, P, R, S, V


def scale(x, tp_group):
    spmd.assert_type(x, {tp_group: V})
    types = dict(spmd.get_local_type(x))
    y = x * 2
    spmd.assert_type(y, types)
    reveal_type(y)  # T: {tp: V}  # LT: {tp_group: V, ...}
    return y


# --- driver ---
from spmd_types.checker import typecheck
from torch.distributed.device_mesh import init_device_mesh

mesh = init_device_mesh("cpu", (4,), mesh_dim_names=("tp",))
with spmd.set_current_mesh(mesh), typecheck():
    x = torch.randn(4, 16)
    spmd.assert_type(x, {"tp": V})
    y = scale(x, mesh.get_group("tp"))
