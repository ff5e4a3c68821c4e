"""Twin of scalar_varying_times_partial: a V scalar makes a Replicate tensor Varying; an R scalar scales a Partial."""
import torch
import spmd_types as spmd
from spmd_types import I, P, R, S, V
from spmd_types.checker import typecheck
from torch.distributed.device_mesh import init_device_mesh

mesh = init_device_mesh("cpu", (2, 4), mesh_dim_names=("dp", "tp"))
with spmd.set_current_mesh(mesh), typecheck():
    r = torch.randn(4, 8)
    spmd.assert_type(r, {"dp": R, "tp": R})
    rank_scale = spmd.Scalar(0.5, {"dp": R, "tp": V})
    reveal_type(r * rank_scale)  # T: {dp: R, tp: V}
    reveal_type(rank_scale * r)  # T: {dp: R, tp: V}
    x = torch.randn(4, 8)
    spmd.assert_type(x, {"dp": R, "tp": P})
    reveal_type(x * spmd.Scalar(2.0, {"dp": R, "tp": R}))  # T: {dp: R, tp: P}
