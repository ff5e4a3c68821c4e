# The twin: the rank_map input typed Varying on tp goes through GELU.
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

    def test_gelu_of_varying(self):
        with spmd.set_current_mesh(self.mesh), typecheck():
            with no_typecheck():
                x = self.mode.rank_map(lambda r: torch.randn(4, 8) + r)
            spmd.assert_type(x, {"dp": R, "tp": V})
            y = F.gelu(x)
            reveal_type(y)  # T: {dp: R, tp: V}


# --- driver ---
TestActivation.setUpClass()
test = TestActivation("test_gelu_of_varying")
test.setUp()
try:
    test.test_gelu_of_varying()
finally:
    test.tearDown()
