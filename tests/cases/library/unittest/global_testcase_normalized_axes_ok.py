# The twin: two tensors sharded on tp the same way add to one sharded on tp (the shards
# line up), with the axes given as MeshAxis objects and the mode entered in setUp.
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
    def test_add_shard_replicate(self):
        x = self.make_input((4, 3), self.tp, S(0))
        w = self.make_input((4, 3), self.tp, S(0))
        reveal_type(w)  # T: {dp: R, tp: S(0)}
        y = x + w
        reveal_type(y)  # T: {dp: R, tp: S(0)}


# --- driver ---
TestRejected.setUpClass()
test = TestRejected("test_add_shard_replicate")
test.setUp()
try:
    test.test_add_shard_replicate()
finally:
    test.tearDown()
