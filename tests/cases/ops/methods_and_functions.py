# Linear reductions and views keep P, spelled as methods, torch functions or properties.
import torch
import spmd_types as spmd
from spmd_types import I, P, R, S, V
from spmd_types.checker import typecheck
from torch.distributed.device_mesh import init_device_mesh

mesh = init_device_mesh("cpu", (2, 4), mesh_dim_names=("dp", "tp"))
with spmd.set_current_mesh(mesh), typecheck():
    p = torch.randn(4, 8)
    spmd.assert_type(p, {"dp": R, "tp": P})
    reveal_type(p.sum())  # T: {dp: R, tp: P}
    reveal_type(torch.sum(p, dim=0))  # T: {dp: R, tp: P}
    reveal_type(p.mean(-1))  # T: {dp: R, tp: P}
    reveal_type(p.T)  # T: {dp: R, tp: P}
    reveal_type(torch.transpose(p, 0, 1))  # T: {dp: R, tp: P}
    reveal_type(p.view(-1))  # T: {dp: R, tp: P}
    reveal_type(p.reshape(2, 16).unsqueeze(0))  # T: {dp: R, tp: P}
    reveal_type(p.clone().detach())  # T: {dp: R, tp: P}
