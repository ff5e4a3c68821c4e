"""Twin of reduce_scatter_unbind_no_spec: dst=S(0) records the shard dim, and ops propagate it."""
import torch
import spmd_types as spmd
from spmd_types import I, P, R, S, V, rules
from spmd_types.checker import typecheck
from torch.distributed.device_mesh import init_device_mesh

mesh = init_device_mesh("cpu", (2, 4), mesh_dim_names=("dp", "tp"))
with spmd.set_current_mesh(mesh), typecheck(local=False):
    x = torch.randn(8, 16)
    spmd.assert_type(x, {"dp": P, "tp": R})
    y = spmd.reduce_scatter(x, "dp", src=P, dst=S(0))
    reveal_type(y * 2)  # T: {dp: S(0), tp: R}
    reveal_type(y.contiguous().float())  # T: {dp: S(0), tp: R}
