# A loss layer sums a per-rank loss over every data- and tensor-parallel rank, through the
# flattened dp x tp group the trainer gives it. A collective on a flattened group acts on
# each of its component axes: the loss is Partial on dp but Replicate on tp, so src=P does
# not hold on tp. In the library view nothing is expected: the group and the loss are the
# caller's.
import torch
import torch.nn as nn
import spmd_types as spmd
from spmd_types import I, P, R, S, V


class GlobalSumLoss(nn.Module):
    def __init__(self, dp_tp_group):
        super().__init__()
        self.group = dp_tp_group

    def forward(self, loss):
        return spmd.all_reduce(loss, self.group, src=P, dst=R)  # E: spmd-src-mismatch  # L: -


# --- driver ---
from spmd_types.checker import typecheck
from torch.distributed.device_mesh import init_device_mesh

mesh = init_device_mesh("cpu", (2, 4), mesh_dim_names=("dp", "tp"))
dp_tp = mesh["dp", "tp"]._flatten("dp_tp").get_group()
with spmd.set_current_mesh(mesh), typecheck():
    loss_fn = GlobalSumLoss(dp_tp)
    x = torch.randn(4)
    spmd.assert_type(x, {"dp": P, "tp": R})
    total = loss_fn(x)
