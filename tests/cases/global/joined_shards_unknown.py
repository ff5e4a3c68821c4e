"""Global mode: after a branch the checker does not decide, the shard dim is either one: what depends on it is not reported and is not known (the runtime takes one branch and runs clean)."""
import torch
import spmd_types as spmd
from spmd_types import I, P, R, S, V
from spmd_types.checker import typecheck
from torch.distributed.device_mesh import init_device_mesh

mesh = init_device_mesh("cpu", (2, 4), mesh_dim_names=("dp", "tp"))
with spmd.set_current_mesh(mesh), typecheck(local=False):
    x = torch.randn(8, 16)
    if torch.distributed.get_rank() == 0:
        spmd.assert_type(x, {"dp": S(0), "tp": R})
    else:
        spmd.assert_type(x, {"dp": S(1), "tp": R})
    y = x * 2
    reveal_type(y)  # T: {tp: R, ...}
    z = spmd.all_gather(y, "dp", src=S(0), dst=R)
    reveal_type(z.sum(0))  # T: {dp: R, tp: R}
