# Found by fuzzing: reinterpret(src=P, dst=P) accepts a Varying operand (src=P takes V) and,
# being a no-op, returns the operand itself, now typed P: x is Partial afterwards too.
import torch
import spmd_types as spmd
from spmd_types import I, P, R, S, V
from spmd_types.checker import typecheck
from torch.distributed.device_mesh import init_device_mesh

mesh = init_device_mesh("cpu", (2, 4), mesh_dim_names=("dp", "tp"))
with spmd.set_current_mesh(mesh), typecheck():
    x = torch.randn(4, 4)
    spmd.assert_type(x, {"dp": R, "tp": V})
    y = spmd.reinterpret(x, "tp", src=P, dst=P)
    reveal_type(y)  # T: {dp: R, tp: P}
    reveal_type(x)  # T: {dp: R, tp: P}
