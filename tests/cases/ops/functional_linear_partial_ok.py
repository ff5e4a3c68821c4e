# F.linear(V, V) is V under local semantics (not P); x @ w.t() keeps P.
import torch
import torch.nn.functional as F
import spmd_types as spmd
from spmd_types import I, P, R, S, V
from spmd_types.checker import typecheck
from torch.distributed.device_mesh import init_device_mesh

mesh = init_device_mesh("cpu", (2, 4), mesh_dim_names=("dp", "tp"))
with spmd.set_current_mesh(mesh), typecheck():
    x = torch.randn(4, 8)
    spmd.assert_type(x, {"dp": R, "tp": V})
    w = torch.randn(2, 8)
    spmd.assert_type(w, {"dp": R, "tp": V})
    reveal_type(F.linear(x, w))  # T: {dp: R, tp: V}
    p = torch.randn(4, 8)
    spmd.assert_type(p, {"dp": R, "tp": P})
    r = torch.randn(2, 8)
    spmd.assert_type(r, {"dp": R, "tp": R})
    reveal_type(p @ r.t())  # T: {dp: R, tp: P}
