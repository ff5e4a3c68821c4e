"""Twin of all_gather_replicate_operand: shard the Replicate value first, then gather it back."""
import torch
import spmd_types as spmd
from spmd_types import I, P, R, S, V
from spmd_types.checker import typecheck
from torch.distributed.device_mesh import init_device_mesh

mesh = init_device_mesh("cpu", (2, 4), mesh_dim_names=("dp", "tp"))
tp = mesh.get_group("tp")
with spmd.set_current_mesh(mesh), typecheck():
    x = torch.randn(4, 8, requires_grad=True)
    spmd.assert_type(x, {"dp": R, tp: R})
    v = spmd.convert(x, tp, src=R, dst=V)
    reveal_type(v)  # T: {dp: R, tp: V}
    y = spmd.all_gather(v, tp, src=V, dst=R)
    reveal_type(y)  # T: {dp: R, tp: R}
