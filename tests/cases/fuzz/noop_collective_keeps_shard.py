# Found by fuzzing: a collective or conversion with src == dst returns its operand itself,
# PartitionSpec included: an S(i) on any axis survives (the checker decays it to V). The
# no-op even ignores a src whose shard dim differs from the operand's (S(1) on an S(0)).
import torch
import spmd_types as spmd
from spmd_types import I, P, R, S, V
from spmd_types.checker import typecheck
from torch.distributed.device_mesh import init_device_mesh

mesh = init_device_mesh("cpu", (2, 4), mesh_dim_names=("dp", "tp"))
with spmd.set_current_mesh(mesh), typecheck():
    x = torch.randn(4, 8)
    spmd.assert_type(x, {"dp": V, "tp": S(0)})
    y = spmd.redistribute(x, "dp", src=V, dst=V)
    reveal_type(y)  # T: {dp: V, tp: S(0)}
    w = torch.randn(4, 8)
    spmd.assert_type(w, {"dp": I, "tp": S(0)})
    u = spmd.convert(w, "dp", src=I, dst=I)
    reveal_type(u)  # T: {dp: I, tp: S(0)}
    a = torch.randn(4, 8)
    spmd.assert_type(a, {"dp": S(0), "tp": V})
    b = spmd.convert(a, "dp", src=S(1), dst=S(1))
    reveal_type(b)  # T: {dp: S(0), tp: V}
