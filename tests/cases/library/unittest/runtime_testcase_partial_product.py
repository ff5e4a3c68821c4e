# A test written on the runtime's own base classes (spmd_types._test_utils), as its test suite
# is: SpmdTypeCheckedTestCase's setUp enters typecheck(), setUpClass gives the world group as
# self.pg, and _generate_inputs types a new tensor on an axis. The checker reads its model of
# those classes, so the library view knows the inputs: a matmul of two Partial tensors.
import unittest

import torch
from spmd_types import I, P, R, S, V
from spmd_types._test_utils import SpmdTypeCheckedTestCase


class TestMatmul(SpmdTypeCheckedTestCase):
    def test_matmul_partial(self):
        x = self._generate_inputs((2, 4), self.pg, P)
        y = self._generate_inputs((4, 3), self.pg, P)
        torch.matmul(x, y)  # E: spmd-partial-product


# --- driver ---
TestMatmul.setUpClass()
test = TestMatmul("test_matmul_partial")
test.setUp()
try:
    test.test_matmul_partial()
finally:
    test.tearDown()
    TestMatmul.tearDownClass()
