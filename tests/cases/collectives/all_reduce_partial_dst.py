"""all_reduce to dst=P is not a supported transition (MeshAxis spelling)."""
import torch
import spmd_types as spmd
from spmd_types import I, P, R, S, V
from spmd_types.checker import typecheck
from torch.distributed.device_mesh import init_device_mesh

mesh = init_device_mesh("cpu", (2, 4), mesh_dim_names=("dp", "tp"))
tp = spmd.MeshAxis.of(mesh.get_group("tp"))
with spmd.set_current_mesh(mesh), typecheck():
    x = torch.randn(4, 8, requires_grad=True)
    spmd.assert_type(x, {"dp": R, tp: P})
    y = spmd.all_reduce(x, tp, src=P, dst=P)  # E: spmd-invalid-transition
