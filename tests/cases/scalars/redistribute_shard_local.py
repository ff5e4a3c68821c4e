"""Local mode: redistribute S(0) -> S(1) is an all_to_all, but local mode records no shard dim: the result is plain V."""
import torch
import spmd_types as spmd
from spmd_types import I, P, R, S, V, PartitionSpec
from spmd_types.checker import typecheck
from torch.distributed.device_mesh import init_device_mesh

mesh = init_device_mesh("cpu", (2, 4), mesh_dim_names=("dp", "tp"))
with spmd.set_current_mesh(mesh), typecheck():
    x = torch.randn(4, 8)
    spmd.assert_type(x, {"dp": R, "tp": S(0)})
    y = spmd.redistribute(x, "tp", src=S(0), dst=S(1))
    reveal_type(y)  # T: {dp: R, tp: V}
    z = spmd.redistribute(y, "tp", src=S(1), dst=R)
    reveal_type(z)  # T: {dp: R, tp: R}
