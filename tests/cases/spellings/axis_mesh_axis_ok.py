# Axes spelled as spmd.MeshAxis.of(process_group): all_reduce over the MeshAxis.
import torch
import spmd_types as spmd
from spmd_types import I, P, R, S, V
from spmd_types.checker import typecheck
from torch.distributed.device_mesh import init_device_mesh

mesh = init_device_mesh("cpu", (2, 4), mesh_dim_names=("dp", "tp"))
tp = spmd.MeshAxis.of(mesh.get_group("tp"))
with spmd.set_current_mesh(mesh), typecheck():
    x = torch.randn(4, 8)
    spmd.assert_type(x, {"dp": V, tp: P})
    y = spmd.all_reduce(x * 2.0, tp, src=P, dst=R)
    z = y + 1.0
    reveal_type(z)  # T: {dp: V, tp: R}
