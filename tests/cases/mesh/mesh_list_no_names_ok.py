"""Twin of mesh_list_no_names: with a list or frozenset mesh, name axes by group or MeshAxis; a dict mesh supplies its own names."""
import torch
import spmd_types as spmd
from spmd_types import I, P, R, S, V
from spmd_types.checker import typecheck
from torch.distributed.device_mesh import init_device_mesh

mesh = init_device_mesh("cpu", (2, 4), mesh_dim_names=("dp", "tp"))
dp = mesh.get_group("dp")
tp = mesh.get_group("tp")
with spmd.set_current_mesh([dp, tp]), typecheck():
    x = torch.randn(4, 8)
    spmd.assert_type(x, {dp: R, tp: V})
    reveal_type(x)  # T: {dp: R, tp: V}
    reveal_type(torch.zeros(4, 8))  # T: {dp: R, tp: R}
with spmd.set_current_mesh(frozenset([spmd.MeshAxis.of(dp), spmd.MeshAxis.of(tp)])), typecheck():
    y = torch.randn(4, 8)
    spmd.assert_type(y, {spmd.MeshAxis.of(dp): V, tp: R})
    reveal_type(y * 2)  # T: {dp: V, tp: R}
with spmd.set_current_mesh({"data": spmd.MeshAxis.of(dp), "model": spmd.MeshAxis.of(tp)}), typecheck():
    z = torch.randn(4, 8)
    spmd.assert_type(z, {"data": R, "model": V})
    reveal_type(z)  # T: {data: R, model: V}
