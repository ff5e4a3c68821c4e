# A token-choice top-k router; the driver reduces the attention output before routing.
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
        scores = F.linear(x, self.gate)
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
    scores = router(spmd.all_reduce(attn_out, "ep", dst=R))
    reveal_type(scores)  # T: {dp: V, ep: R}
