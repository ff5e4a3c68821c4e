# Twin of flattened_loss_group: the loss is Partial on dp and Varying on tp (a reduction
# accepts V for P on each component axis); the sum is Replicate on both.
import torch
import torch.nn as nn
import spmd_types as spmd
from spmd_types import I, P, R, S, V


class GlobalSumLoss(nn.Module):
    def __init__(self, dp_tp_group):
        super().__init__()
        self.group = dp_tp_group

    def forward(self, loss):
        return spmd.all_reduce(loss, self.group, src=P, dst=R)


# --- driver ---
from spmd_types.checker import typecheck
from torch.distributed.device_mesh import init_device_mesh

mesh = init_device_mesh("cpu", (2, 4), mesh_dim_names=("dp", "tp"))
dp_tp = mesh["dp", "tp"]._flatten("dp_tp").get_group()
with spmd.set_current_mesh(mesh), typecheck():
    loss_fn = GlobalSumLoss(dp_tp)
    x = torch.randn(4)
    spmd.assert_type(x, {"dp": P, "tp": V})
    total = loss_fn(x)
    reveal_type(total)  # T: {dp: R, tp: R}
