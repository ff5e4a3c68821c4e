# runtime: exempt -- configuration-driven: without mesh-axes a library module's mesh is unknown
# With no configured axes and no mesh in the source, the same code stays silent where the
# verdict needs the mesh (the factory is R on axes not known, a bare R fills axes not known),
# and reports what holds whatever the mesh is: x has dp (its assert_type resolved the name),
# g has only tp, so strict mode rejects their product.
import torch
import spmd_types as spmd
from spmd_types import I, P, R, S, V


def step(x, w):
    spmd.assert_type(x, {"dp": V, "tp": R})
    spmd.assert_type(w, R)
    reveal_type(w)  # T: Unknown
    bias = torch.zeros(8)
    reveal_type(bias)  # T: Unknown
    g = torch.randn(8)
    spmd.assert_type(g, {"tp": R})
    return x * g  # E: spmd-missing-axis
