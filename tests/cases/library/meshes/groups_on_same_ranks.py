# A layer takes a tensor-parallel and a context-parallel group. The driver runs context
# parallelism over the tensor-parallel ranks and passes the same group object twice. The
# contract's dict literal then has one key (Python keeps the last value, S(1)): no conflict
# there, but the input is now sharded on tp, and the convert's src=I does not match it. In the
# library view nothing is expected: with two different groups the contract makes x Invariant
# on tp_group, and tp_group and cp_group are axes the checker cannot name.
import torch
import torch.nn as nn
import torch.nn.functional as F
import spmd_types as spmd
from spmd_types import I, P, R, S, V


class ContextParallelAttentionInput(nn.Module):
    """Prepares attention inputs for tensor parallelism (heads) and context parallelism
    (sequence), each over the process group it is given."""

    def __init__(self, dim, tp_group, cp_group):
        super().__init__()
        self.tp_group = tp_group
        self.cp_group = cp_group
        self.wq = nn.Parameter(torch.empty(dim // tp_group.size(), dim))
        spmd.assert_type(self.wq, {tp_group: S(0)}, R)

    def forward(self, x):
        spmd.assert_type(x, {self.tp_group: I, self.cp_group: S(1)})
        return F.linear(spmd.convert(x, self.tp_group, src=I, dst=R), self.wq)  # E: spmd-src-mismatch  # L: -


# --- driver ---
from spmd_types.checker import typecheck
from torch.distributed.device_mesh import init_device_mesh

mesh = init_device_mesh("cpu", (2, 4), mesh_dim_names=("dp", "tp"))
with spmd.set_current_mesh(mesh), typecheck():
    tp = mesh.get_group("tp")
    layer = ContextParallelAttentionInput(16, tp_group=tp, cp_group=tp)
    x = torch.randn(2, 8, 16)
    spmd.assert_type(x, {"dp": S(0)})
    q = layer(x)
