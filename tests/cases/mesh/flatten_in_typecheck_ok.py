"""Twin of flatten_in_typecheck: flatten before typecheck(); a collective on the flattened group acts on both axes (P/V on each -> R)."""
import torch
import spmd_types as spmd
from spmd_types import I, P, R, S, V
from spmd_types.checker import typecheck
from torch.distributed.device_mesh import init_device_mesh

mesh = init_device_mesh("cpu", (2, 4), mesh_dim_names=("dp", "tp"))
flat = mesh["dp", "tp"]._flatten("dp_tp")
dp_tp = flat.get_group()
with spmd.set_current_mesh(mesh), typecheck():
    x = torch.randn(4, 8)
    spmd.assert_type(x, {"dp": P, "tp": V})
    y = spmd.all_reduce(x, dp_tp, src=P, dst=R)
    reveal_type(y)  # T: {dp: R, tp: R}
