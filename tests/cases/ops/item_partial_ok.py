# .item() after the all_reduce is a plain number; scaling a tensor by it keeps the tensor's type.
import torch
import spmd_types as spmd
from spmd_types import I, P, R, S, V
from spmd_types.checker import typecheck
from torch.distributed.device_mesh import init_device_mesh

mesh = init_device_mesh("cpu", (2, 4), mesh_dim_names=("dp", "tp"))
with spmd.set_current_mesh(mesh), typecheck():
    loss = torch.randn(())
    spmd.assert_type(loss, {"dp": R, "tp": P})
    value = spmd.all_reduce(loss, "tp", src=P, dst=R).item()
    x = torch.randn(4)
    spmd.assert_type(x, {"dp": V, "tp": R})
    reveal_type(x * value)  # T: {dp: V, tp: R}
