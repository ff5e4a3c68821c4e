# A helper states its output's type with its input's type, the group's entry agreeing with
# it ({**spmd.get_local_type(x), group: t} with t the type x has there): one axis, one type.
import torch
import spmd_types as spmd
from spmd_types import I, P, R, S, V


def gather(x, tp_group):
    spmd.assert_type(x, {tp_group: R})
    local = spmd.convert(x, tp_group, src=R, dst=V)
    spmd.assert_type(local, {**spmd.get_local_type(local), tp_group: V})
    full = spmd.all_gather(local, tp_group, src=V, dst=R)
    reveal_type(full)  # T: {tp: R}  # LT: {tp_group: R, ...}
    return full


# --- driver ---
from spmd_types.checker import typecheck
from torch.distributed.device_mesh import init_device_mesh

mesh = init_device_mesh("cpu", (4,), mesh_dim_names=("tp",))
with spmd.set_current_mesh(mesh), typecheck():
    x = torch.randn(4, 16)
    spmd.assert_type(x, {"tp": R})
    gather(x, mesh.get_group("tp"))
