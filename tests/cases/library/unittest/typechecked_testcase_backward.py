# A TestCase base class enters the mesh and typecheck() in setUp (as spmd_types' own test
# utilities do) and leaves them in tearDown. The test calls backward() on the per-rank loss,
# which is Varying on dp: the implicit 1.0 gradient would be wrong. setUpClass and setUp say
# which mesh and mode the test runs under, so the library view finds it too.
import unittest

import torch
import torch.nn as nn
import spmd_types as spmd
from spmd_types import I, P, R, S, V
from spmd_types.checker import typecheck
from torch.distributed.device_mesh import init_device_mesh


class DataParallelRegressor(nn.Module):
    def __init__(self, dim):
        super().__init__()
        self.weight = nn.Parameter(torch.empty(dim, 1))
        spmd.assert_type(self.weight, R)

    def forward(self, x):
        return x @ self.weight


class TypeCheckedTestCase(unittest.TestCase):
    """Like spmd_types' own SpmdTypeCheckedTestCase: every test runs under the mesh and
    typecheck(), entered in setUp and left in tearDown."""

    @classmethod
    def setUpClass(cls):
        cls.mesh = init_device_mesh("cpu", (4,), mesh_dim_names=("dp",))

    def setUp(self):
        self._mesh_cm = spmd.set_current_mesh(self.mesh)
        self._mesh_cm.__enter__()
        self._typecheck_cm = typecheck()
        self._typecheck_cm.__enter__()

    def tearDown(self):
        self._typecheck_cm.__exit__(None, None, None)
        self._mesh_cm.__exit__(None, None, None)


class TestRegressor(TypeCheckedTestCase):
    def test_backward(self):
        model = DataParallelRegressor(8)
        x = torch.randn(4, 8)
        spmd.assert_type(x, {"dp": S(0)})
        loss = model(x).pow(2).mean()
        loss.backward()  # E: spmd-backward-loss
        self.assertIsNotNone(model.weight.grad)


# --- driver ---
TestRegressor.setUpClass()
test = TestRegressor("test_backward")
test.setUp()
try:
    test.test_backward()
finally:
    test.tearDown()
