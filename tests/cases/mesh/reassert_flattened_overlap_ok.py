"""Twin of reassert_flattened_overlap: re-assert on the flattened axis itself; an op reads the type on the (dp, tp) mesh, where it can be refined per axis."""
import torch
import spmd_types as spmd
from spmd_types import I, P, R, S, V
from spmd_types.checker import typecheck
from torch.distributed.device_mesh import init_device_mesh

mesh = init_device_mesh("cpu", (2, 4), mesh_dim_names=("dp", "tp"))
dp_tp = mesh["dp", "tp"]._flatten("dp_tp").get_group()
with spmd.set_current_mesh(mesh), typecheck():
    x = torch.randn(4, 8)
    spmd.assert_type(x, {dp_tp: P})
    spmd.assert_type(x, {dp_tp: P})
    y = x * 2
    spmd.assert_type(y, {"tp": P})
    reveal_type(y)  # T: {dp: P, tp: P}
