# A token-choice top-k router: sigmoid scores over the gate's logits. The driver feeds it an
# attention output that is still a pending sum on ep (its reduction was deferred). F.linear is
# missing from the runtime's op table (non-linear), so the gate projection already rejects it.
# In the library view nothing is expected: the router does not say what it accepts, and x
# comes from the caller.
import torch
import torch.nn as nn
import torch.nn.functional as F
import spmd_types as spmd
from spmd_types import I, P, R, S, V


class TokenChoiceTopKRouter(nn.Module):
    def __init__(self, dim, num_experts, top_k=2, route_scale=1.0):
        super().__init__()
        self.top_k = top_k
        self.route_scale = route_scale
        self.gate = nn.Parameter(torch.empty(num_experts, dim))
        spmd.assert_type(self.gate, R)

    def forward(self, x):
        scores = F.linear(x, self.gate)  # E: spmd-partial-nonlinear  # L: -
        scores = torch.sigmoid(scores)
        return scores * self.route_scale


# --- driver ---
from spmd_types.checker import typecheck
from torch.distributed.device_mesh import init_device_mesh

mesh = init_device_mesh("cpu", (2, 4), mesh_dim_names=("dp", "ep"))
with spmd.set_current_mesh(mesh), typecheck():
    router = TokenChoiceTopKRouter(8, num_experts=4)
    attn_out = torch.randn(16, 8)
    spmd.assert_type(attn_out, {"dp": S(0), "ep": P})
    scores = router(attn_out)
