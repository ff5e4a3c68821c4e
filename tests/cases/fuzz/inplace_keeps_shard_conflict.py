# Found by fuzzing: after x.mul_(2.0) x is still S(1) on tp (in-place ops keep the
# PartitionSpec), so asserting S(0) conflicts; the checker has decayed x to V and accepts it.
import torch
import spmd_types as spmd
from spmd_types import I, P, R, S, V
from spmd_types.checker import typecheck
from torch.distributed.device_mesh import init_device_mesh

mesh = init_device_mesh("cpu", (2, 4), mesh_dim_names=("dp", "tp"))
with spmd.set_current_mesh(mesh), typecheck():
    x = torch.randn(4, 4)
    spmd.assert_type(x, {"dp": V, "tp": S(1)})
    x.mul_(2.0)
    spmd.assert_type(x, {"dp": V, "tp": S(0)})  # E: spmd-assert-mismatch
