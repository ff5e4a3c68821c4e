"""Twin of funcol_all_reduce_partial: funcol ops keep the operand type (V gathered stays V, R reduced stays R); spmd.all_reduce is the typed reduction."""
import torch
import torch.distributed as dist
import spmd_types as spmd
from spmd_types import I, P, R, S, V
from spmd_types.checker import typecheck
from torch.distributed.device_mesh import init_device_mesh

mesh = init_device_mesh("cpu", (2, 4), mesh_dim_names=("dp", "tp"))
tp = mesh.get_group("tp")
import torch.distributed._functional_collectives as funcol

with spmd.set_current_mesh(mesh), typecheck():
    v = torch.randn(4, 8)
    spmd.assert_type(v, {"dp": R, "tp": V})
    g = funcol.all_gather_tensor(v, 0, tp)
    reveal_type(g)  # T: {dp: R, tp: V}
    r = torch.randn(4, 8)
    spmd.assert_type(r, {"dp": R, "tp": R})
    reveal_type(funcol.all_reduce(r, "sum", (mesh, 1)))  # T: {dp: R, tp: R}
    x = torch.randn(4, 8)
    spmd.assert_type(x, {"dp": R, "tp": P})
    reveal_type(spmd.all_reduce(x, tp, src=P, dst=R))  # T: {dp: R, tp: R}
