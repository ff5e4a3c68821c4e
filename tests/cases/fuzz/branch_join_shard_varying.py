# Found by fuzzing: one branch leaves y as x ({dp: V, tp: S(0)}), the other as x * 2.0
# ({dp: V, tp: V}). The checker's join gives up on the whole type (Unknown) although S(0)
# and V are both Varying and dp is V on both paths, and misses the dp mismatch below.
import torch
import spmd_types as spmd
from spmd_types import I, P, R, S, V
from spmd_types.checker import typecheck
from torch.distributed.device_mesh import init_device_mesh

mesh = init_device_mesh("cpu", (2, 4), mesh_dim_names=("dp", "tp"))
flag = len("ab") == 2
with spmd.set_current_mesh(mesh), typecheck():
    x = torch.randn(4, 4)
    spmd.assert_type(x, {"dp": V, "tp": S(0)})
    if flag:
        y = x
    else:
        y = x * 2.0
    spmd.assert_type(y, {"dp": R, "tp": V})  # E: spmd-assert-mismatch
