"""Twin of list_elements_annotated: every element annotated in a loop over the list (a short
one per element, a long one as a whole), then used in ops."""
import torch
import spmd_types as spmd
from spmd_types import I, P, R, S, V
from spmd_types.checker import typecheck
from torch.distributed.device_mesh import init_device_mesh

mesh = init_device_mesh("cpu", (2, 4), mesh_dim_names=("dp", "tp"))
with spmd.set_current_mesh(mesh), typecheck():
    parts = [torch.randn(4, 8) for _ in range(4)]
    for part in parts:
        spmd.assert_type(part, {"dp": R, "tp": V})
    reveal_type(parts[0] + parts[3])  # T: {dp: R, tp: V}
    many = [torch.randn(4, 8) for _ in range(16)]
    for t in many:
        spmd.assert_type(t, {"dp": R, "tp": P})
    reveal_type(many[5] * 2)  # T: {dp: R, tp: P}
    parts[1] = torch.zeros(4, 8)
    reveal_type(parts[1])  # T: {dp: R, tp: R}
