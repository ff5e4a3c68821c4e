"""Twin of size_one_axis_forms: the size-1 axis as a group, in a PartitionSpec, in mutate_type's dicts, in a Scalar and in reinterpret_no_grad is accepted and dropped."""
import torch
import spmd_types as spmd
from spmd_types import I, P, R, S, V
from spmd_types.checker import typecheck
from torch.distributed.device_mesh import init_device_mesh

from spmd_types import PartitionSpec

mesh = init_device_mesh("cpu", (2, 1, 4), mesh_dim_names=("dp", "cp", "tp"))
cp = mesh.get_group("cp")
with spmd.set_current_mesh(mesh), typecheck():
    x = torch.randn(4, 8)
    spmd.assert_type(x, {"dp": R, cp: V, "tp": R})
    reveal_type(x)  # T: {dp: R, tp: R}
    s = torch.randn(4, 8)
    spmd.assert_type(s, {"dp": R}, PartitionSpec(("cp", "tp"), None))
    reveal_type(s)  # T: {dp: R, tp: S(0)}
    spmd.mutate_type(x, src={"cp": R, "tp": R}, dst={"cp": I, "tp": I})
    reveal_type(x)  # T: {dp: R, tp: I}
    y = spmd.reinterpret_no_grad(x, cp, dst=R)
    reveal_type(y)  # T: {dp: R, tp: I}
    k = spmd.Scalar(2.0, {"dp": R, "cp": P, "tp": I})
    reveal_type(x * k)  # T: {dp: R, tp: I}
