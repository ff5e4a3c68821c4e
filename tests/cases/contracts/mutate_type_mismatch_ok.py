# mutate_type with the right src.
import torch
import spmd_types as spmd
from spmd_types import I, P, R, S, V
from spmd_types.checker import typecheck
from torch.distributed.device_mesh import init_device_mesh

mesh = init_device_mesh("cpu", (2, 4), mesh_dim_names=("dp", "tp"))
with spmd.set_current_mesh(mesh), typecheck():
    tp = mesh.get_group("tp")
    buf = torch.randn(4, 8)
    spmd.assert_type(buf, {"dp": R, "tp": V})
    spmd.mutate_type(buf, tp, src=V, dst=P)
    reveal_type(buf)  # T: {dp: R, tp: P}
