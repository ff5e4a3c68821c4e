"""Twin of flattened_axis_src_mismatch: P on both component axes; all_gather over the flattened group stacks 8 shards."""
import torch
import spmd_types as spmd
from spmd_types import I, P, R, S, V
from spmd_types.checker import typecheck
from torch.distributed.device_mesh import init_device_mesh

mesh = init_device_mesh("cpu", (2, 4), mesh_dim_names=("dp", "tp"))
dp_tp = mesh["dp", "tp"]._flatten("dp_tp").get_group()
with spmd.set_current_mesh(mesh), typecheck():
    x = torch.randn(4, 8)
    spmd.assert_type(x, {"dp": P, "tp": P})
    y = spmd.all_reduce(x, dp_tp, src=P, dst=I)
    reveal_type(y)  # T: {dp: I, tp: I}
    v = torch.randn(4, 8)
    spmd.assert_type(v, {"dp": V, "tp": V})
    g = spmd.all_gather(v, dp_tp, src=V, dst=R)
    reveal_type(g)  # T: {dp: R, tp: R}
