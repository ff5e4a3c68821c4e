"""Global mode: reduce_scatter(dst=V) leaves V without a PartitionSpec entry, so the next op fails; dst=S(i) records the shard."""
import torch
import spmd_types as spmd
from spmd_types import I, P, R, S, V, rules
from spmd_types.checker import typecheck
from torch.distributed.device_mesh import init_device_mesh

mesh = init_device_mesh("cpu", (2, 4), mesh_dim_names=("dp", "tp"))
with spmd.set_current_mesh(mesh), typecheck(local=False):
    x = torch.randn(2, 16)
    spmd.assert_type(x, {"dp": P, "tp": R})
    y = spmd.reduce_scatter(x, "dp", src=P, dst=V)
    reveal_type(y)  # T: {dp: V, tp: R}
    z = y * 2  # E: spmd-global-unsharded-varying
