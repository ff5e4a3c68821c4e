"""Global mode: transpose, t, permute move the shard dim; unsqueeze shifts it."""
import torch
import spmd_types as spmd
from spmd_types import I, P, R, S, V
from spmd_types.checker import typecheck
from torch.distributed.device_mesh import init_device_mesh

mesh = init_device_mesh("cpu", (2, 4), mesh_dim_names=("dp", "tp"))
with spmd.set_current_mesh(mesh), typecheck(local=False):
    x = torch.randn(8, 16)
    spmd.assert_type(x, {"dp": S(0), "tp": S(1)})
    reveal_type(x.t())  # T: {dp: S(1), tp: S(0)}
    reveal_type(x.transpose(0, 1))  # T: {dp: S(1), tp: S(0)}
    reveal_type(x.permute(1, 0))  # T: {dp: S(1), tp: S(0)}
    reveal_type(x.unsqueeze(0))  # T: {dp: S(1), tp: S(2)}
