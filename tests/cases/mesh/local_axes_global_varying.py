"""With dp local, tp stays global: a tp-V tensor without a PartitionSpec entry fails at its first op."""
import torch
import spmd_types as spmd
from spmd_types import I, P, R, S, V
from spmd_types.checker import typecheck
from torch.distributed.device_mesh import init_device_mesh

mesh = init_device_mesh("cpu", (2, 4), mesh_dim_names=("dp", "tp"))
with spmd.set_current_mesh(mesh, local_axes=("dp",)), typecheck(local=False):
    x = torch.randn(4, 8)
    spmd.assert_type(x, {"dp": V, "tp": V})
    y = x + 1  # E: spmd-global-unsharded-varying
