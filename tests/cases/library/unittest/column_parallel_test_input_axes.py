# A unittest TestCase whose setUp builds a (dp, tp) mesh; the test types its input on tp only,
# as if the mesh were 1-D. In strict mode the layer's weight (Replicate on dp) meets an input
# with no dp axis. setUp and the test method say it all, so the library view finds it too.
import unittest

import torch
import torch.nn as nn
import torch.nn.functional as F
import spmd_types as spmd
from spmd_types import I, P, R, S, V
from spmd_types.checker import typecheck
from torch.distributed.device_mesh import init_device_mesh


class ColumnParallelLinear(nn.Module):
    def __init__(self, in_features, out_features, tp_size):
        super().__init__()
        self.weight = nn.Parameter(torch.empty(out_features // tp_size, in_features))
        spmd.assert_type(self.weight, {"tp": S(0)}, R)

    def forward(self, x):
        return F.linear(x, self.weight)  # E: spmd-missing-axis


class TestColumnParallelLinear(unittest.TestCase):
    def setUp(self):
        self.mesh = init_device_mesh("cpu", (2, 4), mesh_dim_names=("dp", "tp"))
        with spmd.set_current_mesh(self.mesh):
            self.layer = ColumnParallelLinear(16, 32, tp_size=4)

    def test_output_shape(self):
        with spmd.set_current_mesh(self.mesh), typecheck():
            x = torch.randn(4, 16)
            spmd.assert_type(x, {"tp": R})
            out = self.layer(x)
            self.assertEqual(out.shape, (4, 8))


# --- driver ---
test = TestColumnParallelLinear("test_output_shape")
test.setUp()
test.test_output_shape()
