"""shard(R -> S(i)) is convert to a shard; the result is V in local mode."""
import torch
import spmd_types as spmd
from spmd_types import I, P, R, S, V
from spmd_types.checker import typecheck
from torch.distributed.device_mesh import init_device_mesh

mesh = init_device_mesh("cpu", (2, 4), mesh_dim_names=("dp", "tp"))
with spmd.set_current_mesh(mesh), typecheck():
    x = torch.randn(4, 8, requires_grad=True)
    spmd.assert_type(x, {"dp": R, "tp": R})
    y = spmd.shard(x, "tp", src=R, dst=S(0))
    reveal_type(y)  # T: {dp: R, tp: V}
    w = torch.randn(4, 8, requires_grad=True)
    spmd.assert_type(w, {"dp": R, "tp": I})
    z = spmd.shard(w, "tp", src=I, dst=S(1))
    reveal_type(z)  # T: {dp: R, tp: V}
