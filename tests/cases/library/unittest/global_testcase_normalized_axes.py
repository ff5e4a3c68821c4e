# A global-SPMD TestCase in the style of spmd_types' own tests: setUpClass keeps the mesh's
# axes as MeshAxis objects (normalize_axis of each group), setUp enters typecheck(local=False)
# by hand, and a helper builds inputs typed with a dict keyed by those axes. Adding a tensor
# sharded on tp to a Partial one on tp is rejected whatever else the test does.
import unittest

import torch
import spmd_types as spmd
from spmd_types import I, P, R, S, V
from spmd_types.checker import typecheck
from spmd_types.types import normalize_axis
from torch.distributed.device_mesh import init_device_mesh


class GlobalTestCase(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.mesh = init_device_mesh("cpu", (2, 4), mesh_dim_names=("dp", "tp"))
        cls.tp = normalize_axis(cls.mesh.get_group("tp"))
        cls.dp = normalize_axis(cls.mesh.get_group("dp"))

    def setUp(self):
        self._typecheck_cm = typecheck(local=False)
        self._typecheck_cm.__enter__()

    def tearDown(self):
        self._typecheck_cm.__exit__(None, None, None)

    def make_input(self, shape, axis, typ):
        x = torch.randn(shape)
        types = {self.dp: R, self.tp: R}
        types[axis] = typ
        spmd.assert_type(x, types)
        return x


class TestRejected(GlobalTestCase):
    def test_add_shard_partial(self):
        x = self.make_input((4, 3), self.tp, S(0))
        w = self.make_input((4, 3), self.tp, P)
        reveal_type(w)  # T: {dp: R, tp: P}
        y = x + w  # E: spmd-partial-varying


# --- driver ---
TestRejected.setUpClass()
test = TestRejected("test_add_shard_partial")
test.setUp()
try:
    test.test_add_shard_partial()
finally:
    test.tearDown()
