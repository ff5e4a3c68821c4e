# Found by fuzzing: an in-place op keeps the tensor's PartitionSpec, so S(0) stays S(0)
# (the checker decays it to V, as it does for an out-of-place result).
import torch
import spmd_types as spmd
from spmd_types import I, P, R, S, V
from spmd_types.checker import typecheck
from torch.distributed.device_mesh import init_device_mesh

mesh = init_device_mesh("cpu", (2, 4), mesh_dim_names=("dp", "tp"))
with spmd.set_current_mesh(mesh), typecheck():
    x = torch.randn(2, 4)
    spmd.assert_type(x, {"dp": S(0)}, R)
    x /= 2.0
    reveal_type(x)  # T: {dp: S(0), tp: R}
    x.mul_(2.0)
    reveal_type(x)  # T: {dp: S(0), tp: R}
    v = torch.randn(4, 8)
    spmd.assert_type(v, {"dp": V, "tp": S(0)})
    v *= v
    reveal_type(v)  # T: {dp: V, tp: S(0)}
