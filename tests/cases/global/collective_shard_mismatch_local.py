"""Local mode: the same all_gather(src=S(1)) on a tensor recorded as S(0) runs; only global mode checks the shard dim."""
import torch
import spmd_types as spmd
from spmd_types import I, P, R, S, V
from spmd_types.checker import typecheck
from torch.distributed.device_mesh import init_device_mesh

mesh = init_device_mesh("cpu", (2, 4), mesh_dim_names=("dp", "tp"))
with spmd.set_current_mesh(mesh), typecheck():
    x = torch.randn(8, 16)
    spmd.assert_type(x, {"dp": S(0), "tp": R})
    y = spmd.all_gather(x, "dp", src=S(1), dst=R)
    reveal_type(y)  # T: {dp: R, tp: R}
