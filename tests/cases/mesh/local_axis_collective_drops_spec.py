"""With dp local, all_reduce over dp returns a tensor without the input's tp PartitionSpec entry: its next op fails."""
import torch
import spmd_types as spmd
from spmd_types import I, P, R, S, V
from spmd_types.checker import typecheck
from torch.distributed.device_mesh import init_device_mesh

mesh = init_device_mesh("cpu", (2, 4), mesh_dim_names=("dp", "tp"))
with spmd.set_current_mesh(mesh, local_axes=("dp",)), typecheck(local=False):
    x = torch.randn(4, 8)
    spmd.assert_type(x, {"dp": V, "tp": S(0)})
    y = spmd.all_reduce(x, "dp", src=V, dst=R)
    reveal_type(y)  # T: {dp: R, tp: V}
    z = y + 1  # E: spmd-global-unsharded-varying
