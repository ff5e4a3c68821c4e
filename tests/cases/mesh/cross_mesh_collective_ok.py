"""Twin of cross_mesh_collective: P on dp_tp is P on dp and on tp; the all_reduce over dp leaves tp as it was. reinterpret_mesh(inplace=True) retypes the tensor itself."""
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
    spmd.assert_type(x, {dp_tp: P})
    y = spmd.all_reduce(x, "dp", src=P, dst=R)
    reveal_type(y)  # T: {dp: R, tp: P}
    v = torch.randn(4, 8)
    spmd.assert_type(v, {"dp": V, "tp": V})
    spmd.reinterpret_mesh(v, flat, inplace=True)
    reveal_type(v)  # T: {dp_tp: V}
