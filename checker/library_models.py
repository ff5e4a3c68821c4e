"""Models of library modules that test code imports from outside the workspace, read by
the checker in place of the real ones (which it never imports, and which need not be
installed): written in the Python the checker follows, with the effects the checker needs.

Today the one model is ``spmd_types._test_utils``: the runtime's own unittest base
classes, which its test suite and tests written like it subclass. Their ``setUpClass``
makes the world group (``cls.pg``) and a mesh (``cls.mesh``), ``SpmdTypeCheckedTestCase``'s
``setUp`` enters ``typecheck()``, and ``_generate_inputs(shape, axis, typ)`` makes a tensor
of that type on that axis (S(i) as V, as the runtime's helper does). ``rank_map`` gives a
tensor of unknown shape and no type (the helper's per-rank data).

A model is loaded like a workspace module, once per analyzer; what is found while its
functions run is not reported (the user's code is checked, not the model).
"""

from __future__ import annotations

_TEST_UTILS = """
import unittest

import torch
import torch.distributed as dist
from spmd_types import I, P, R, V
from spmd_types._checker import assert_type, no_typecheck, typecheck
from torch.distributed.device_mesh import init_device_mesh


class FakeProcessGroupTestCase(unittest.TestCase):
    MESH_SHAPE = None
    MESH_DIM_NAMES = ("tp",)
    WORLD_SIZE = 3

    @classmethod
    def setUpClass(cls):
        cls.pg = dist.distributed_c10d._get_default_group()
        if cls.MESH_SHAPE is None:
            cls.mesh = init_device_mesh("cpu", (cls.WORLD_SIZE,), mesh_dim_names=cls.MESH_DIM_NAMES)
        else:
            cls.mesh = init_device_mesh("cpu", cls.MESH_SHAPE, mesh_dim_names=cls.MESH_DIM_NAMES)


class LocalTensorTestCase(FakeProcessGroupTestCase):
    def rank_map(self, cb):
        return torch.randn(cb(0).shape, requires_grad=False)

    def _generate_inputs(self, shape, axis, typ, dtype=None):
        result = self.rank_map(lambda r: torch.randn(shape, dtype=dtype))
        assert_type(result, {axis: typ if typ in (R, I, V, P) else V})
        return result


class SpmdTypeCheckedTestCase(LocalTensorTestCase):
    def setUp(self):
        self._type_checking_cm = typecheck()
        self._type_checking_cm.__enter__()

    def rank_map(self, cb):
        with no_typecheck():
            return torch.randn(cb(0).shape, requires_grad=False)
"""

MODELS: dict[str, str] = {"spmd_types._test_utils": _TEST_UTILS}

_PREFIX = "<spmd-check model of "


def path_of(module: str) -> str:
    """The path a model's spans and results are recorded under (no file has it)."""
    return f"{_PREFIX}{module}>"


def is_model(path: str) -> bool:
    return path.startswith(_PREFIX)


def module_of(path: str) -> str:
    """The module a model's path stands for (``spmd_types._test_utils``)."""
    return path[len(_PREFIX) : -1] if is_model(path) else path
