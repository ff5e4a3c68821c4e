"""Twin of invariant_to_replicate_grad: without grad, R stands in for I; with I the conversion is the documented one."""
import torch
import spmd_types as spmd
from spmd_types import I, P, R, S, V, PartitionSpec
from spmd_types.checker import typecheck
from torch.distributed.device_mesh import init_device_mesh

mesh = init_device_mesh("cpu", (2, 4), mesh_dim_names=("dp", "tp"))
with spmd.set_current_mesh(mesh), typecheck():
    x = torch.randn(4, 8)
    spmd.assert_type(x, {"dp": R, "tp": R})
    reveal_type(spmd.invariant_to_replicate(x, "tp"))  # T: {dp: R, tp: R}
    w = torch.randn(4, 8, requires_grad=True)
    spmd.assert_type(w, {"dp": R, "tp": I})
    reveal_type(spmd.invariant_to_replicate(w, mesh.get_group("tp")))  # T: {dp: R, tp: R}
