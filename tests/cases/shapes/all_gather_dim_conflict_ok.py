"""Twin of all_gather_dim_conflict: gather_dim equal to the shard dim, or gather_dim alone with src=V (stack on that dim)."""
import torch
import spmd_types as spmd
from spmd_types import I, P, R, S, V
from spmd_types.checker import typecheck
from torch.distributed.device_mesh import init_device_mesh

mesh = init_device_mesh("cpu", (2, 4), mesh_dim_names=("dp", "tp"))
with spmd.set_current_mesh(mesh), typecheck():
    x = torch.randn(4, 8)
    spmd.assert_type(x, {"dp": R, "tp": S(1)})
    y = spmd.all_gather(x, "tp", src=S(1), dst=R, gather_dim=1)
    reveal_type(y)  # T: {dp: R, tp: R}
    v = torch.randn(4, 8)
    spmd.assert_type(v, {"dp": R, "tp": V})
    z = spmd.all_gather(v, "tp", src=V, dst=I, gather_dim=1)
    reveal_type(z)  # T: {dp: R, tp: I}
