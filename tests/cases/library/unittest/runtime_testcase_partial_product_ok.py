# The twin: Partial times Replicate is Partial (one factor may be Partial), with the inputs
# made by the runtime's own test base classes.
import unittest

import torch
from spmd_types import I, P, R, S, V
from spmd_types._test_utils import SpmdTypeCheckedTestCase


class TestMatmul(SpmdTypeCheckedTestCase):
    def test_matmul_partial(self):
        x = self._generate_inputs((2, 4), self.pg, P)
        y = self._generate_inputs((4, 3), self.pg, R)
        torch.matmul(x, y)


# --- driver ---
TestMatmul.setUpClass()
test = TestMatmul("test_matmul_partial")
test.setUp()
try:
    test.test_matmul_partial()
finally:
    test.tearDown()
    TestMatmul.tearDownClass()
