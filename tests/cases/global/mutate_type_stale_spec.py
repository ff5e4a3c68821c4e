"""Global mode: mutate_type V -> R keeps the old PartitionSpec entry, so the next op sees a sharded axis that is not V."""
import torch
import spmd_types as spmd
from spmd_types import I, P, R, S, V
from spmd_types.checker import typecheck
from torch.distributed.device_mesh import init_device_mesh

mesh = init_device_mesh("cpu", (2, 4), mesh_dim_names=("dp", "tp"))
with spmd.set_current_mesh(mesh), typecheck(local=False):
    x = torch.randn(4, 8)
    spmd.assert_type(x, {"dp": R, "tp": S(0)})
    spmd.mutate_type(x, "tp", src=V, dst=R)
    reveal_type(x)  # T: {dp: R, tp: R}
    y = x + 1  # E: spmd-global-spec-mismatch
