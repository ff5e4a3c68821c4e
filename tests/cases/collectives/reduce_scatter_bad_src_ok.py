"""Twin of reduce_scatter_bad_src: a Replicate value is split with convert R -> V."""
import torch
import spmd_types as spmd
from spmd_types import I, P, R, S, V
from spmd_types.checker import typecheck
from torch.distributed.device_mesh import init_device_mesh

mesh = init_device_mesh("cpu", (2, 4), mesh_dim_names=("dp", "tp"))
with spmd.set_current_mesh(mesh), typecheck():
    x = torch.randn(4, 8, requires_grad=True)
    spmd.assert_type(x, {"dp": R, "tp": R})
    y = spmd.convert(x, "tp", src=R, dst=V)
    reveal_type(y)  # T: {dp: R, tp: V}
