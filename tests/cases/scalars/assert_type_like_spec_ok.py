"""Twin of assert_type_like_spec: assert_local_type_like copies only the local types, so the override applies."""
import torch
import spmd_types as spmd
from spmd_types import I, P, R, S, V, PartitionSpec
from spmd_types.checker import typecheck
from torch.distributed.device_mesh import init_device_mesh

mesh = init_device_mesh("cpu", (2, 4), mesh_dim_names=("dp", "tp"))
with spmd.set_current_mesh(mesh), typecheck():
    x = torch.randn(4, 8)
    spmd.assert_type(x, {"dp": R, "tp": S(0)})
    out = torch.randn(4, 8)
    spmd.assert_local_type_like(out, x, {"tp": R})
    reveal_type(out)  # T: {dp: R, tp: R}
    same = torch.randn(4, 8)
    spmd.assert_type_like(same, x, {mesh.get_group("dp"): P})
    reveal_type(same)  # T: {dp: P, tp: S(0)}
