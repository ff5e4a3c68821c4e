"""Twin of mutate_type_dict_keys: the four call shapes (one axis, all axes, dict dst, dict src and dst)."""
import torch
import spmd_types as spmd
from spmd_types import I, P, R, S, V, PartitionSpec
from spmd_types.checker import typecheck
from torch.distributed.device_mesh import init_device_mesh

mesh = init_device_mesh("cpu", (2, 4), mesh_dim_names=("dp", "tp"))
with spmd.set_current_mesh(mesh), typecheck():
    a = torch.randn(4, 8)
    spmd.assert_type(a, {"dp": R, "tp": V})
    spmd.mutate_type(a, src={"dp": R, "tp": V}, dst={"dp": I, "tp": P})
    reveal_type(a)  # T: {dp: I, tp: P}
    b = torch.randn(4, 8)
    spmd.assert_type(b, {"dp": R, "tp": R})
    spmd.mutate_type(b, src=R, dst=I)
    reveal_type(b)  # T: {dp: I, tp: I}
    spmd.mutate_type(b, src=I, dst={"tp": V})
    reveal_type(b)  # T: {dp: I, tp: V}
    spmd.mutate_type(b, "dp", src=I, dst=S(0))
    reveal_type(b)  # T: {dp: V, tp: V}
