# torch.div(P, all_reduce(P)): the divisor is Replicate, so the quotient is Partial.
import torch
import spmd_types as spmd
from spmd_types import I, P, R, S, V
from spmd_types.checker import typecheck
from torch.distributed.device_mesh import init_device_mesh

mesh = init_device_mesh("cpu", (2, 4), mesh_dim_names=("dp", "tp"))
with spmd.set_current_mesh(mesh), typecheck():
    x = torch.randn(4, 8)
    spmd.assert_type(x, {"dp": R, "tp": P})
    y = torch.rand(4, 8)
    spmd.assert_type(y, {"dp": R, "tp": P})
    y = spmd.all_reduce(y, "tp", src=P, dst=R)
    z = torch.div(x, y)
    reveal_type(z)  # T: {dp: R, tp: P}
