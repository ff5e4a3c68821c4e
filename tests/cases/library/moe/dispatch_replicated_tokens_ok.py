# Expert parallelism over the tensor-parallel ranks: each rank takes its slice of the
# Replicate tokens (convert R -> S(0)) before the all_to_all dispatch.
import torch
import torch.nn as nn
import torch.nn.functional as F
import spmd_types as spmd
from spmd_types import I, P, R, S, V


class MoE(nn.Module):
    """One expert per ep rank; tokens arrive Replicate on ep (expert parallelism over the TP ranks)."""

    def __init__(self, dim, ep_size):
        super().__init__()
        self.ep_size = ep_size
        self.w1 = nn.Parameter(torch.empty(dim, dim))
        self.w2 = nn.Parameter(torch.empty(dim, dim))
        for w in (self.w1, self.w2):
            spmd.assert_type(w, {"ep": V}, R)

    def forward(self, x):
        spmd.assert_type(x, {"ep": R})
        x = spmd.convert(x, "ep", src=R, dst=S(0))  # this rank's slice of the tokens
        tokens = x.view(self.ep_size, -1, x.shape[-1])
        routed = spmd.all_to_all(tokens, "ep", src=V, dst=V)
        reveal_type(routed)  # T: {dp: V, ep: V}  # LT: {ep: V, ...}
        hidden = F.silu(routed @ self.w1)
        out = spmd.all_to_all(hidden @ self.w2, "ep", src=V, dst=V)
        out = spmd.all_gather(out.reshape(-1, out.shape[-1]), "ep", src=S(0), dst=R)
        reveal_type(out)  # T: {dp: V, ep: R}  # LT: {ep: R, ...}
        return out


# --- driver ---
from spmd_types.checker import typecheck
from torch.distributed.device_mesh import init_device_mesh

mesh = init_device_mesh("cpu", (2, 4), mesh_dim_names=("dp", "ep"))
with spmd.set_current_mesh(mesh), typecheck():
    moe = MoE(8, ep_size=4)
    x = torch.randn(16, 8)
    spmd.assert_type(x, {"dp": S(0), "ep": R})
    y = moe(x)
    reveal_type(y)  # T: {dp: V, ep: R}
