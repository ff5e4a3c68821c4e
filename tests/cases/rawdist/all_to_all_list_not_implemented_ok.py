"""Twin of all_to_all_list_not_implemented: spmd.all_to_all does the same exchange, typed (local mode records no shard dim on the result)."""
import torch
import torch.distributed as dist
import spmd_types as spmd
from spmd_types import I, P, R, S, V
from spmd_types.checker import typecheck
from torch.distributed.device_mesh import init_device_mesh

mesh = init_device_mesh("cpu", (2, 4), mesh_dim_names=("dp", "tp"))
tp = mesh.get_group("tp")
with spmd.set_current_mesh(mesh), typecheck():
    x = torch.randn(4, 8)
    spmd.assert_type(x, {"dp": R, "tp": V})
    y = spmd.all_to_all(x, tp, src=S(0), dst=S(0))
    reveal_type(y)  # T: {dp: R, tp: V}
