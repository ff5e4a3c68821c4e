# local_map: the body is checked with the declared input types; the result gets out_types.
import torch
import spmd_types as spmd
from spmd_types import I, P, R, S, V
from spmd_types.checker import typecheck
from torch.distributed.device_mesh import init_device_mesh


@spmd.local_map(in_types=({"dp": V, "tp": V},), out_types={"dp": V, "tp": P})
def partial_matmul(x):
    reveal_type(x)  # T: {dp: V, tp: V}
    return x * 2


mesh = init_device_mesh("cpu", (2, 4), mesh_dim_names=("dp", "tp"))
with spmd.set_current_mesh(mesh), typecheck():
    x = torch.randn(4, 8)
    spmd.assert_type(x, {"dp": V, "tp": V})
    y = partial_matmul(x)
    reveal_type(y)  # T: {dp: V, tp: P}
