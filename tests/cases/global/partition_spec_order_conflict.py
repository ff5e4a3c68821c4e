"""Global mode: one operand shards dim 0 on (dp, tp), the other on (tp, dp): the orders conflict at the op."""
import torch
import spmd_types as spmd
from spmd_types import I, P, R, S, V, PartitionSpec
from spmd_types.checker import typecheck
from torch.distributed.device_mesh import init_device_mesh

mesh = init_device_mesh("cpu", (2, 4), mesh_dim_names=("dp", "tp"))
with spmd.set_current_mesh(mesh), typecheck(local=False):
    a = torch.randn(8, 8)
    spmd.assert_type(a, R, PartitionSpec(("dp", "tp"), None))
    b = torch.randn(8, 8)
    spmd.assert_type(b, R, PartitionSpec(("tp", "dp"), None))
    c = a + b  # E: spmd-global-spec-order
