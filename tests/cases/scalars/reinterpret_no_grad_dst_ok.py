"""Twin of reinterpret_no_grad_dst: I -> R; under torch.no_grad() a tensor that does not require grad still qualifies."""
import torch
import spmd_types as spmd
from spmd_types import I, P, R, S, V
from spmd_types.checker import typecheck
from torch.distributed.device_mesh import init_device_mesh

mesh = init_device_mesh("cpu", (2, 4), mesh_dim_names=("dp", "tp"))
with spmd.set_current_mesh(mesh), typecheck():
    x = torch.randn(4, 8)
    spmd.assert_type(x, {"dp": I, "tp": I})
    with torch.no_grad():
        y = spmd.reinterpret_no_grad(x, "tp", dst=R)
    reveal_type(y)  # T: {dp: I, tp: R}
