# A unittest TestCase for a row-parallel layer: setUpClass builds the mesh, setUp the layer,
# and the test method runs it under typecheck(). The test applies GELU to the layer's Partial
# output. Everything the test needs is built by setUpClass and setUp, so the library view
# knows the mesh and the input, and finds the error like a script.
import unittest

import torch
import torch.nn as nn
import torch.nn.functional as F
import spmd_types as spmd
from spmd_types import I, P, R, S, V
from spmd_types.checker import typecheck
from torch.distributed.device_mesh import init_device_mesh


class RowParallelLinear(nn.Module):
    def __init__(self, in_features, out_features, tp_size):
        super().__init__()
        self.weight = nn.Parameter(torch.empty(out_features, in_features // tp_size))
        spmd.assert_type(self.weight, {"tp": S(1)}, R)

    def forward(self, x):
        out = F.linear(x, self.weight)
        return spmd.reinterpret(out, "tp", src=V, dst=P)


class TestRowParallelLinear(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.mesh = init_device_mesh("cpu", (2, 4), mesh_dim_names=("dp", "tp"))

    def setUp(self):
        with spmd.set_current_mesh(self.mesh):
            self.layer = RowParallelLinear(32, 16, tp_size=4)

    def test_forward_then_activation(self):
        with spmd.set_current_mesh(self.mesh), typecheck():
            x = torch.randn(4, 8)
            spmd.assert_type(x, {"dp": S(0), "tp": S(1)})
            out = self.layer(x)
            y = F.gelu(out)  # E: spmd-partial-nonlinear
            self.assertEqual(y.shape, (4, 16))


# --- driver ---
# What the test runner does for one test.
TestRowParallelLinear.setUpClass()
test = TestRowParallelLinear("test_forward_then_activation")
test.setUp()
test.test_forward_then_activation()
