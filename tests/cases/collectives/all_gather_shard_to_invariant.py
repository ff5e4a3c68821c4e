"""all_gather S(0) -> I with the axis as a MeshAxis; S(0) is V with a PartitionSpec."""
import torch
import spmd_types as spmd
from spmd_types import I, P, R, S, V
from spmd_types.checker import typecheck
from torch.distributed.device_mesh import init_device_mesh

mesh = init_device_mesh("cpu", (2, 4), mesh_dim_names=("dp", "tp"))
tp = spmd.MeshAxis.of(mesh.get_group("tp"))
with spmd.set_current_mesh(mesh), typecheck():
    x = torch.randn(4, 8, requires_grad=True)
    spmd.assert_type(x, {"dp": R, tp: S(0)})
    reveal_type(x)  # T: {dp: R, tp: S(0)}
    y = spmd.all_gather(x, tp, src=S(0), dst=I)
    reveal_type(y)  # T: {dp: R, tp: I}
