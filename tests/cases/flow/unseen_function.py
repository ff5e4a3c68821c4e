# runtime: exempt -- mylib does not exist; the checker cannot see mystery(), so its result is Unknown
# The result of a function the checker cannot see is Unknown, and Unknown operands never produce a
# diagnostic on their own; an op that passes only for some of their types keeps what it fixes
# (z is Partial on tp whenever the sum passes).
import torch
import spmd_types as spmd
from spmd_types import I, P, R, S, V
from spmd_types.checker import typecheck
from torch.distributed.device_mesh import init_device_mesh
from mylib import mystery

mesh = init_device_mesh("cpu", (2, 4), mesh_dim_names=("dp", "tp"))
with spmd.set_current_mesh(mesh), typecheck():
    p = torch.randn(4, 8)
    spmd.assert_type(p, {"dp": R, "tp": P})
    y = mystery(p)
    reveal_type(y)  # T: Unknown
    z = torch.relu(y) + p
    reveal_type(z)  # T: {tp: P, ...}
