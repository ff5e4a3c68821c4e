# LocalTensorTestCase (spmd_types._test_utils) enters no typecheck(): its tests run
# unchecked unless they enter it themselves, so a matmul of two Partial tensors raises
# nothing there. The checker knows the class's whole set-up, so it does not assume the
# training step's typecheck() for these tests.
import unittest

import torch
from spmd_types import I, P, R, S, V
from spmd_types._test_utils import LocalTensorTestCase


class TestUnchecked(LocalTensorTestCase):
    def test_matmul_partial_unchecked(self):
        x = self._generate_inputs((2, 4), self.pg, P)
        y = self._generate_inputs((4, 3), self.pg, P)
        torch.matmul(x, y)


# --- driver ---
TestUnchecked.setUpClass()
test = TestUnchecked("test_matmul_partial_unchecked")
test.setUp()
try:
    test.test_matmul_partial_unchecked()
finally:
    test.tearDown()
    TestUnchecked.tearDownClass()
