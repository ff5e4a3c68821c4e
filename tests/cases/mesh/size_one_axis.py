"""A size-1 mesh axis (cp) is accepted wherever an axis is named and dropped from every type; collectives on it change nothing."""
import torch
import spmd_types as spmd
from spmd_types import I, P, R, S, V
from spmd_types.checker import typecheck
from torch.distributed.device_mesh import init_device_mesh

mesh = init_device_mesh("cpu", (2, 1, 4), mesh_dim_names=("dp", "cp", "tp"))
with spmd.set_current_mesh(mesh), typecheck():
    x = torch.randn(4, 8)
    spmd.assert_type(x, {"dp": R, "cp": P, "tp": V})
    reveal_type(x)  # T: {dp: R, tp: V}
    y = spmd.all_reduce(x, "cp", src=P, dst=R)
    reveal_type(y)  # T: {dp: R, tp: V}
    z = spmd.convert(x, "cp", src=R, dst=S(0))
    reveal_type(z)  # T: {dp: R, tp: V}
    spmd.mutate_type(x, "cp", src=I, dst=P)
    reveal_type(x + 1)  # T: {dp: R, tp: V}
    b = torch.zeros(4, 8)
    reveal_type(b)  # T: {dp: R, tp: R}
