# Found by fuzzing: the if-branch fails (its error is silenced here), so only the else-path
# reaches the join, where y is Partial; the checker joins the failed branch's Unknown result
# with P, gets Unknown, and misses the error on exp(y) that the runtime raises.
import torch
import spmd_types as spmd
from spmd_types import I, P, R, S, V
from spmd_types.checker import typecheck
from torch.distributed.device_mesh import init_device_mesh

mesh = init_device_mesh("cpu", (2, 4), mesh_dim_names=("dp", "tp"))
flag = len("ab") == 3
with spmd.set_current_mesh(mesh), typecheck():
    x = torch.randn(4, 4)
    spmd.assert_type(x, {"dp": R, "tp": P})
    if flag:
        y = x + 1.0  # spmd: ignore[spmd-partial-affine]
    else:
        y = x * 2.0
    z = torch.exp(y)  # E: spmd-partial-nonlinear
