"""Global mode: with dim 0 sharded on (dp, tp), gathering dp first is a RedistributeError: tp is the innermost axis."""
import torch
import spmd_types as spmd
from spmd_types import I, P, R, S, V, PartitionSpec
from spmd_types.checker import typecheck
from torch.distributed.device_mesh import init_device_mesh

mesh = init_device_mesh("cpu", (2, 4), mesh_dim_names=("dp", "tp"))
with spmd.set_current_mesh(mesh), typecheck(local=False):
    x = torch.randn(8, 16)
    spmd.assert_type(x, R, PartitionSpec(("dp", "tp"), None))
    y = spmd.redistribute(x, "dp", src=S(0), dst=R)  # E: spmd-global-not-innermost
