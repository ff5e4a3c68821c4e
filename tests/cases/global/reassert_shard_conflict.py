"""Global mode: re-asserting S(1) on a tensor sharded S(0) on dp contradicts its PartitionSpec."""
import torch
import spmd_types as spmd
from spmd_types import I, P, R, S, V
from spmd_types.checker import typecheck
from torch.distributed.device_mesh import init_device_mesh

mesh = init_device_mesh("cpu", (2, 4), mesh_dim_names=("dp", "tp"))
with spmd.set_current_mesh(mesh), typecheck(local=False):
    x = torch.randn(4, 8)
    spmd.assert_type(x, {"dp": S(0), "tp": R})
    spmd.assert_type(x, {"dp": S(1)})  # E: spmd-assert-mismatch
