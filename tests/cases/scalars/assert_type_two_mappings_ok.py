"""Twin of assert_type_two_mappings: mappings on different axes merge; a PartitionSpec may be positional; a bare type fills the rest."""
import torch
import spmd_types as spmd
from spmd_types import I, P, R, S, V, PartitionSpec
from spmd_types.checker import typecheck
from torch.distributed.device_mesh import init_device_mesh

mesh = init_device_mesh("cpu", (2, 4), mesh_dim_names=("dp", "tp"))
with spmd.set_current_mesh(mesh), typecheck():
    a = torch.randn(4, 8)
    spmd.assert_type(a, {"dp": R}, {"tp": S(0)})
    reveal_type(a)  # T: {dp: R, tp: S(0)}
    b = torch.randn(4, 8)
    spmd.assert_type(b, {"dp": R}, PartitionSpec(None, "tp"))
    reveal_type(b)  # T: {dp: R, tp: S(1)}
    c = torch.randn(4, 8)
    spmd.assert_type(c, V, {"dp": R})
    reveal_type(c)  # T: {dp: R, tp: V}
    d = torch.randn(4, 8)
    spmd.assert_type(d, None, {"dp": I, "tp": I}, None)
    reveal_type(d)  # T: {dp: I, tp: I}
