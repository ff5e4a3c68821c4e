# A helper states its output's type as its input's with one axis changed, the way frameworks
# stamp outputs: {**spmd.get_local_type(x), group: t}. The keys of get_local_type are the
# runtime's axes and the group is another key for the same axis, so the dict names two types
# for one axis: conflicting, whatever the input.
import torch
import spmd_types as spmd
from spmd_types import I, P, R, S, V


def gather(x, tp_group):
    spmd.assert_type(x, {tp_group: R})
    local = spmd.convert(x, tp_group, src=R, dst=V)
    full = spmd.all_gather(local, tp_group, src=V, dst=R)
    spmd.assert_type(full, {**spmd.get_local_type(local), tp_group: R})  # E: spmd-conflicting-types
    return full


# --- driver ---
from spmd_types.checker import typecheck
from torch.distributed.device_mesh import init_device_mesh

mesh = init_device_mesh("cpu", (4,), mesh_dim_names=("tp",))
with spmd.set_current_mesh(mesh), typecheck():
    x = torch.randn(4, 16)
    spmd.assert_type(x, {"tp": R})
    gather(x, mesh.get_group("tp"))
