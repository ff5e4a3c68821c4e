# Axes spelled as spmd.MeshAxis.of(process_group), mixed with string keys.
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
    reveal_type(x)  # T: {dp: V, tp: P}
    y = x * 2.0
    reveal_type(y)  # T: {dp: V, tp: P}
    z = y + 1.0  # E: spmd-partial-affine
