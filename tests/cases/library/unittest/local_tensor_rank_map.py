# A test in the style of spmd_types' own: setUp enters torch's LocalTensorMode (every rank's
# data in one process), and the test makes its input with rank_map, outside typecheck(), then
# types it Partial on tp. The input is a new tensor typed by the assertion, so the GELU is
# found in the library view too.
import unittest

import torch
import torch.nn.functional as F
import spmd_types as spmd
from spmd_types import I, P, R, S, V
from spmd_types.checker import no_typecheck, typecheck
from torch.distributed._local_tensor import LocalTensorMode
from torch.distributed.device_mesh import init_device_mesh


class TestActivation(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.mesh = init_device_mesh("cpu", (2, 4), mesh_dim_names=("dp", "tp"))

    def setUp(self):
        self.mode = LocalTensorMode(8)
        self.mode.__enter__()

    def tearDown(self):
        self.mode.__exit__(None, None, None)

    def test_gelu_of_partial(self):
        with spmd.set_current_mesh(self.mesh), typecheck():
            with no_typecheck():
                x = self.mode.rank_map(lambda r: torch.randn(4, 8) + r)
            spmd.assert_type(x, {"dp": R, "tp": P})
            y = F.gelu(x)  # E: spmd-partial-nonlinear


# --- driver ---
TestActivation.setUpClass()
test = TestActivation("test_gelu_of_partial")
test.setUp()
try:
    test.test_gelu_of_partial()
finally:
    test.tearDown()
