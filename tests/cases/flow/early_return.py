# A helper with an early return: both return paths keep a Partial argument Partial.
import torch
import spmd_types as spmd
from spmd_types import I, P, R, S, V
from spmd_types.checker import typecheck
from torch.distributed.device_mesh import init_device_mesh


def maybe_scale(x, scale):
    if scale is None:
        return x
    return x * scale


mesh = init_device_mesh("cpu", (2, 4), mesh_dim_names=("dp", "tp"))
with spmd.set_current_mesh(mesh), typecheck():
    p = torch.randn(4, 8)
    spmd.assert_type(p, {"dp": R, "tp": P})
    reveal_type(maybe_scale(p, None))  # T: {dp: R, tp: P}
    reveal_type(maybe_scale(p, 0.5))  # T: {dp: R, tp: P}
