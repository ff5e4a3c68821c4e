# A MoE with a shared expert (DeepSeek style): the shared expert is a tensor-parallel MLP over
# the ep ranks whose output is a Partial sum; it is added to the gathered (Replicate) routed
# output before being reduced.
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
        self.shared_up = nn.Parameter(torch.empty(2 * dim // ep_size, dim))
        self.shared_down = nn.Parameter(torch.empty(dim, 2 * dim // ep_size))
        spmd.assert_type(self.shared_up, {"ep": S(0)}, R)
        spmd.assert_type(self.shared_down, {"ep": S(1)}, R)

    def shared_expert(self, x):
        """A tensor-parallel MLP over all the (Replicate) tokens: its products are partial sums."""
        h = F.silu(F.linear(x, self.shared_up))
        return spmd.reinterpret(F.linear(h, self.shared_down), "ep", src=V, dst=P)

    def forward(self, x):
        spmd.assert_type(x, {"ep": R})
        x_full = x
        x = spmd.convert(x, "ep", src=R, dst=S(0))  # this rank's slice of the tokens
        tokens = x.view(self.ep_size, -1, x.shape[-1])
        routed = spmd.all_to_all(tokens, "ep", src=V, dst=V)
        hidden = F.silu(routed @ self.w1)
        out = spmd.all_to_all(hidden @ self.w2, "ep", src=V, dst=V)
        out = spmd.all_gather(out.reshape(-1, out.shape[-1]), "ep", src=S(0), dst=R)
        return out + self.shared_expert(x_full)  # E: spmd-partial-affine


# --- driver ---
from spmd_types.checker import typecheck
from torch.distributed.device_mesh import init_device_mesh

mesh = init_device_mesh("cpu", (2, 4), mesh_dim_names=("dp", "ep"))
with spmd.set_current_mesh(mesh), typecheck():
    moe = MoE(8, ep_size=4)
    x = torch.randn(16, 8)
    spmd.assert_type(x, {"dp": S(0), "ep": R})
    y = moe(x)
