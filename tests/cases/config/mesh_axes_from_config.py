# runtime: exempt -- configuration-driven: a library module whose mesh comes from [tool.spmd-check] mesh-axes
# config: mesh-axes = ["dp", "tp"]
# The configured axes make the mesh known: factories are R on them, a bare R fills them, and a
# tensor typed on only some of them is missing an axis.
import torch
import spmd_types as spmd
from spmd_types import I, P, R, S, V


def step(x, w):
    spmd.assert_type(x, {"dp": V, "tp": R})
    spmd.assert_type(w, R)
    reveal_type(w)  # T: {dp: R, tp: R}
    bias = torch.zeros(8)
    reveal_type(bias)  # T: {dp: R, tp: R}
    h = x @ w + bias
    reveal_type(h)  # T: {dp: V, tp: R}
    g = torch.randn(8)
    spmd.assert_type(g, {"tp": R})
    return h * g  # E: spmd-missing-axis
