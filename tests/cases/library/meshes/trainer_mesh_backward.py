# A Trainer holds the mesh it was given and enters set_current_mesh(self.mesh) and typecheck()
# in its train step. The batch is sharded on dp, so the per-rank loss is Varying on dp, and
# backward() on it would seed every rank with 1.0. The batch's contract and the model built in
# __init__ make the loss Varying on dp for any batch.
import torch
import torch.nn as nn
import spmd_types as spmd
from spmd_types import I, P, R, S, V
from spmd_types.checker import typecheck


class DataParallelMLP(nn.Module):
    """A model replicated over tp (computed identically there) and data-parallel over dp."""

    def __init__(self, dim):
        super().__init__()
        self.w1 = nn.Parameter(torch.empty(dim, 4 * dim))
        self.w2 = nn.Parameter(torch.empty(4 * dim, 1))
        spmd.assert_type(self.w1, {"tp": I}, R)
        spmd.assert_type(self.w2, {"tp": I}, R)

    def forward(self, x):
        return torch.relu(x @ self.w1) @ self.w2


class Trainer:
    def __init__(self, mesh, dim):
        self.mesh = mesh
        with spmd.set_current_mesh(mesh):
            self.model = DataParallelMLP(dim)

    def train_step(self, batch):
        with spmd.set_current_mesh(self.mesh), typecheck():
            spmd.assert_type(batch, {"dp": S(0), "tp": I})
            loss = self.model(batch).pow(2).mean()
            loss.backward()  # E: spmd-backward-loss
        return loss


# --- driver ---
from torch.distributed.device_mesh import init_device_mesh

mesh = init_device_mesh("cpu", (2, 4), mesh_dim_names=("dp", "tp"))
trainer = Trainer(mesh, 8)
batch = torch.randn(4, 8)
loss = trainer.train_step(batch)
