# A generic train step calls backward() on the mean of the model's output. The driver's batch
# is sharded on dp, so the loss is Varying there and backward() would seed every rank with
# 1.0. In the library view nothing is expected: the model and the batch are the caller's, and
# a replicated batch with an Invariant model would be fine.
import torch
import torch.nn as nn
import spmd_types as spmd
from spmd_types import I, P, R, S, V


def train_step(model, batch):
    loss = model(batch).pow(2).mean()
    loss.backward()  # E: spmd-backward-loss  # L: -
    return loss.detach()


# --- driver ---
from spmd_types.checker import typecheck
from torch.distributed.device_mesh import init_device_mesh


class Linear(nn.Module):
    def __init__(self, in_features, out_features):
        super().__init__()
        self.weight = nn.Parameter(torch.randn(in_features, out_features))
        spmd.assert_type(self.weight, R)

    def forward(self, x):
        return x @ self.weight


mesh = init_device_mesh("cpu", (4,), mesh_dim_names=("dp",))
with spmd.set_current_mesh(mesh):
    model = Linear(16, 1)
with spmd.set_current_mesh(mesh), typecheck():
    batch = torch.randn(8, 16)
    spmd.assert_type(batch, {"dp": S(0)})
    loss = train_step(model, batch)
