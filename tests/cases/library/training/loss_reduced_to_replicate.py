# A data-parallel train step all-reduces the loss (for logging) and calls backward() on the
# reduced value. all_reduce(dst=R) makes it Replicate on dp_group whatever the model and batch
# were, and backward() on a Replicate loss gets a gradient tp times too large: the runtime
# wants an Invariant (dst=I) or Partial loss.
import torch
import torch.nn as nn
import torch.nn.functional as F
import spmd_types as spmd
from spmd_types import I, P, R, S, V


def train_step(model, batch, dp_group, num_tokens):
    """One data-parallel step: the local loss, reduced for logging, then backward."""
    logits = model(batch["input"])
    local_loss = F.cross_entropy(logits, batch["labels"], reduction="sum") / num_tokens
    loss = spmd.all_reduce(local_loss, dp_group, src=V, dst=R)
    loss.backward()  # E: spmd-backward-loss
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
    model = Linear(16, 10)
with spmd.set_current_mesh(mesh), typecheck():
    inputs = torch.randn(8, 16)
    labels = torch.randint(0, 10, (8,))
    for t in (inputs, labels):
        spmd.assert_type(t, {"dp": S(0)})
    loss = train_step(model, {"input": inputs, "labels": labels}, mesh.get_group("dp"), 32)
