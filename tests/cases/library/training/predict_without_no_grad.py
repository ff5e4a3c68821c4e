# An evaluation method multiplies Varying features by the Invariant head without
# @torch.no_grad(): with grad enabled (as a training loop calls it) the head, a Parameter,
# would need an Invariant gradient from Varying inputs. The features are Varying and the head
# Invariant whatever the caller passes.
import torch
import torch.nn as nn
import torch.nn.functional as F
import spmd_types as spmd
from spmd_types import I, P, R, S, V


class ShardedBackboneClassifier(nn.Module):
    """A backbone whose features are sharded on tp, and a small head kept Invariant on tp
    (trained on the gathered features, identically on every rank)."""

    def __init__(self, dim, num_classes, tp_size):
        super().__init__()
        self.backbone = nn.Parameter(torch.empty(dim // tp_size, dim))
        self.head = nn.Parameter(torch.empty(num_classes, dim // tp_size))
        spmd.assert_type(self.backbone, {"tp": S(0)}, R)
        spmd.assert_type(self.head, {"tp": I}, R)

    def features(self, x):
        spmd.assert_type(x, {"tp": R})
        return F.relu(F.linear(x, self.backbone))

    def predict(self, x):
        """Per-rank class scores of the local features, for evaluation only."""
        return F.linear(self.features(x), self.head)  # E: spmd-invariant-mix


# --- driver ---
from spmd_types.checker import typecheck
from torch.distributed.device_mesh import init_device_mesh

mesh = init_device_mesh("cpu", (2, 4), mesh_dim_names=("dp", "tp"))
with spmd.set_current_mesh(mesh), typecheck():
    model = ShardedBackboneClassifier(16, 3, tp_size=4)
    x = torch.randn(4, 16)
    spmd.assert_type(x, {"dp": S(0), "tp": R})
    scores = model.predict(x)
