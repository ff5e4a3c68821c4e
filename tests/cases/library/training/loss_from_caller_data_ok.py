# A data-parallel train step declares the per-rank loss a pending sum over dp (the runtime's
# advice) before backward().
import torch
import torch.nn as nn
import spmd_types as spmd
from spmd_types import I, P, R, S, V


def train_step(model, batch, dp_group):
    loss = model(batch).pow(2).mean()
    loss = spmd.reinterpret(loss, dp_group, src=V, dst=P)
    reveal_type(loss)  # T: {dp: P}  # LT: {dp_group: P, ...}
    loss.backward()
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
    loss = train_step(model, batch, mesh.get_group("dp"))
