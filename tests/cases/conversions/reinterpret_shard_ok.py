"""Twin of reinterpret_shard: the local type of S(0) is V; use src=V."""
import torch
import spmd_types as spmd
from spmd_types import I, P, R, S, V
from spmd_types.checker import typecheck
from torch.distributed.device_mesh import init_device_mesh

mesh = init_device_mesh("cpu", (2, 4), mesh_dim_names=("dp", "tp"))
with spmd.set_current_mesh(mesh), typecheck():
    x = torch.randn(4, 8, requires_grad=True)
    spmd.assert_type(x, {"dp": R, "tp": S(0)})
    y = spmd.reinterpret(x, "tp", src=V, dst=P)
    reveal_type(y)  # T: {dp: R, tp: P}
