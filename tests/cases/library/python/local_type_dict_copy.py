# A type dict copied from a tensor's type, then changed by key (dict(get_local_type(x)), then
# d[group] = t): the group is another key for an axis the copy already has, with another
# type: conflicting types, whatever the input.
import torch
import spmd_types as spmd
from spmd_types import I, P, R, S, V


def local_sum(x, tp_group):
    spmd.assert_type(x, {tp_group: V})
    types = dict(spmd.get_local_type(x))
    types[tp_group] = P
    partial = spmd.reinterpret(x, tp_group, src=V, dst=P)
    spmd.assert_type(partial, types)  # E: spmd-conflicting-types
    return spmd.all_reduce(partial, tp_group, dst=R)


# --- driver ---
from spmd_types.checker import typecheck
from torch.distributed.device_mesh import init_device_mesh

mesh = init_device_mesh("cpu", (4,), mesh_dim_names=("tp",))
with spmd.set_current_mesh(mesh), typecheck():
    x = torch.randn(4, 16)
    spmd.assert_type(x, {"tp": V})
    y = local_sum(x, mesh.get_group("tp"))
