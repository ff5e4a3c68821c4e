# A trainer annotates every parameter in a loop over model.parameters() (the checker cannot
# follow the loop's elements), then runs the model: nothing is known of the weights, so
# nothing is reported, in either view. The step then reduces the loss with dst=R and calls
# backward(): that holds whatever the weights were.
import torch
import torch.nn as nn
import spmd_types as spmd
from spmd_types import I, P, R, S, V


class Regressor(nn.Module):
    def __init__(self, dim):
        super().__init__()
        self.weight = nn.Parameter(torch.randn(dim, 1))

    def forward(self, x):
        return x @ self.weight


def annotate_and_step(model, x, dp_group):
    for p in model.parameters():
        spmd.assert_type(p, {dp_group: R})
    local = model(x).pow(2).mean()
    loss = spmd.all_reduce(local, dp_group, src=V, dst=R)
    loss.backward()  # E: spmd-backward-loss


# --- driver ---
from spmd_types.checker import typecheck
from torch.distributed.device_mesh import init_device_mesh

mesh = init_device_mesh("cpu", (4,), mesh_dim_names=("dp",))
with spmd.set_current_mesh(mesh), typecheck():
    model = Regressor(8)
    x = torch.randn(4, 8)
    spmd.assert_type(x, {"dp": V})
    annotate_and_step(model, x, mesh.get_group("dp"))
