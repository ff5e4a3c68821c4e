# Data parallelism the way a training framework writes it, over a group passed to __init__:
# the loss (Partial on the group: each rank's share) is all-reduced in place with the raw
# collective, and after backward the gradients are all-reduced and averaged. Gradients carry
# no SPMD type, so the framework synchronises them outside typecheck().
import torch
import torch.distributed as dist
import torch.nn as nn
import spmd_types as spmd
from spmd_types import I, P, R, S, V


class DataParallel(nn.Module):
    def __init__(self, module, dp_group):
        super().__init__()
        self.module = module
        self.dp_group = dp_group

    def forward(self, x):
        return self.module(x)

    def reduce_loss(self, loss):
        dist.all_reduce(loss, op=dist.ReduceOp.SUM, group=self.dp_group)
        reveal_type(loss)  # T: {dp: R, tp: R}  # LT: {dp_group: R, ...}
        return loss

    def sync_gradients(self):
        world_size = dist.get_world_size(self.dp_group)
        for p in self.module.parameters():
            if p.grad is not None:
                dist.all_reduce(p.grad, group=self.dp_group)
                p.grad.div_(world_size)


# --- driver ---
from spmd_types.checker import typecheck
from torch.distributed.device_mesh import init_device_mesh

mesh = init_device_mesh("cpu", (2, 4), mesh_dim_names=("dp", "tp"))
model = DataParallel(nn.Linear(8, 8), mesh.get_group("dp"))
model(torch.randn(4, 8)).sum().backward()
with spmd.set_current_mesh(mesh), typecheck():
    loss = torch.randn(())
    spmd.assert_type(loss, {"dp": P, "tp": R})
    loss = model.reduce_loss(loss)
model.sync_gradients()
