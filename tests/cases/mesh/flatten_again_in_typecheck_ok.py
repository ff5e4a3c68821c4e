"""Twin of flatten_in_typecheck: flattening again with a name the root mesh already holds builds no mesh (no tensor ops), and indexing a mesh with its own dim names returns it."""
import torch
import spmd_types as spmd
from spmd_types import I, P, R, S, V
from spmd_types.checker import typecheck
from torch.distributed.device_mesh import init_device_mesh

mesh = init_device_mesh("cpu", (2, 4), mesh_dim_names=("dp", "tp"))
first = mesh["dp", "tp"]._flatten("dp_tp")
with spmd.set_current_mesh(mesh), typecheck():
    same = mesh["dp", "tp"]
    flat = same._flatten("dp_tp")
    x = torch.randn(4, 8)
    spmd.assert_type(x, {"dp": V, "tp": V})
    y = spmd.all_reduce(x, flat.get_group(), src=P, dst=R)
    reveal_type(y)  # T: {dp: R, tp: R}
