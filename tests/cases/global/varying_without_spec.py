"""Global mode: a V tensor without a PartitionSpec passes assert_type and fails at the first op that uses it."""
import torch
import spmd_types as spmd
from spmd_types import I, P, R, S, V
from spmd_types.checker import typecheck
from torch.distributed.device_mesh import init_device_mesh

mesh = init_device_mesh("cpu", (2, 4), mesh_dim_names=("dp", "tp"))
with spmd.set_current_mesh(mesh), typecheck(local=False):
    x = torch.randn(8, 16)
    spmd.assert_type(x, {"dp": V, "tp": R})
    reveal_type(x)  # T: {dp: V, tp: R}
    y = x * 2  # E: spmd-global-unsharded-varying
