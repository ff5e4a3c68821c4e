# runtime: exempt -- mylib does not exist; calling an object built by an unseen module gives Unknown
# A call on an object from an unseen module is Unknown; assert_type on the result makes it known again.
import torch
import spmd_types as spmd
from spmd_types import I, P, R, S, V
from spmd_types.checker import typecheck
from torch.distributed.device_mesh import init_device_mesh
import mylib

mesh = init_device_mesh("cpu", (2, 4), mesh_dim_names=("dp", "tp"))
with spmd.set_current_mesh(mesh), typecheck():
    model = mylib.Block(8)
    x = torch.randn(4, 8)
    spmd.assert_type(x, {"dp": V, "tp": R})
    h = model(x)
    reveal_type(h)  # T: Unknown
    spmd.assert_type(h, {"dp": V, "tp": R})
    reveal_type(h * 2.0)  # T: {dp: V, tp: R}
