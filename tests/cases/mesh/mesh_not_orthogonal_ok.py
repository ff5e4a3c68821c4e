"""Twin of mesh_not_orthogonal: dp and tp are orthogonal; the flattened group alone is a mesh of its own."""
import torch
import spmd_types as spmd
from spmd_types import I, P, R, S, V
from spmd_types.checker import typecheck
from torch.distributed.device_mesh import init_device_mesh

mesh = init_device_mesh("cpu", (2, 4), mesh_dim_names=("dp", "tp"))
dp = mesh.get_group("dp")
tp = mesh.get_group("tp")
flat = mesh["dp", "tp"]._flatten("dp_tp")
dp_tp = flat.get_group()
with spmd.set_current_mesh([dp, tp]), typecheck():
    reveal_type(torch.ones(4))  # T: {dp: R, tp: R}
with spmd.set_current_mesh([dp_tp]), typecheck():
    reveal_type(torch.ones(4))  # T: {dp_tp: R}
