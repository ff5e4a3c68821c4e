"""Global mode: out_types={dp: V} stamps V without a PartitionSpec, so the first op on the result fails."""
import torch
import spmd_types as spmd
from spmd_types import I, P, R, S, V
from spmd_types.checker import typecheck
from torch.distributed.device_mesh import init_device_mesh


@spmd.local_map(out_types={"dp": V, "tp": R})
def double(x):
    return x * 2


mesh = init_device_mesh("cpu", (2, 4), mesh_dim_names=("dp", "tp"))
with spmd.set_current_mesh(mesh), typecheck(local=False):
    x = torch.randn(8, 16)
    spmd.assert_type(x, {"dp": S(0), "tp": R})
    z = double(x)
    reveal_type(z)  # T: {dp: V, tp: R}
    w = z + 1  # E: spmd-global-unsharded-varying
