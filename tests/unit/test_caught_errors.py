"""An error raised inside ``with self.assertRaises(...)`` (or ``pytest.raises``,
``contextlib.suppress``) is caught there: the checker reports it and goes on after the
block, as the test does, so each block of a test that checks several errors is checked.
(The case files cannot say this: the runtime judge expects an error where the runtime
raises uncaught, and a caught error leaves a clean run.)"""

from __future__ import annotations

import textwrap

from spmd_check.analysis import Analyzer

_PRELUDE = """\
import contextlib
import unittest

import pytest
import torch
import torch.nn.functional as F
import spmd_types as spmd
from spmd_types import I, P, R, S, V
from spmd_types.checker import typecheck
from torch.distributed.device_mesh import init_device_mesh
"""


def _error_lines(source: str) -> list[int]:
    result = Analyzer().check("test_m.py", source)
    return sorted(d.span.line + 1 for d in result.diagnostics if d.severity.value == "error")


def _line_of(source: str, text: str) -> int:
    return next(i for i, line in enumerate(source.splitlines(), 1) if line.strip() == text)


_PARTIAL_X = """\
mesh = init_device_mesh("cpu", (2, 4), mesh_dim_names=("dp", "tp"))
with spmd.set_current_mesh(mesh), typecheck():
    x = torch.randn(4, 8)
    spmd.assert_type(x, {"dp": R, "tp": P})
"""


def _under_partial_x(body: str, indent: str = "") -> str:
    """A Partial ``x`` under a mesh and ``typecheck()``, then ``body`` in that block; all of
    it indented by ``indent`` (inside a test method)."""
    return textwrap.indent(_PARTIAL_X + textwrap.indent(body, "    "), indent)


def test_each_assert_raises_block_of_a_test_is_checked() -> None:
    source = (
        _PRELUDE
        + """
class TestErrors(unittest.TestCase):
    def test_two_errors(self):
"""
        + _under_partial_x(
            """\
with self.assertRaises(spmd.SpmdTypeError):
    F.gelu(x)
with self.assertRaises(spmd.SpmdTypeError):
    torch.relu(x)
""",
            indent="        ",
        )
    )
    assert _error_lines(source) == [
        _line_of(source, "F.gelu(x)"),
        _line_of(source, "torch.relu(x)"),
    ]


def test_pytest_raises_and_suppress_catch_too() -> None:
    source = (
        _PRELUDE
        + "\n"
        + _under_partial_x(
            """\
with pytest.raises(spmd.SpmdTypeError):
    F.gelu(x)
with contextlib.suppress(spmd.SpmdTypeError):
    torch.tanh(x)
torch.sigmoid(x)
"""
        )
    )
    assert _error_lines(source) == [
        _line_of(source, "F.gelu(x)"),
        _line_of(source, "torch.tanh(x)"),
        _line_of(source, "torch.sigmoid(x)"),
    ]


def test_an_error_outside_a_catching_block_still_ends_the_path() -> None:
    source = (
        _PRELUDE
        + "\n"
        + _under_partial_x(
            """\
with torch.no_grad():
    F.gelu(x)
torch.relu(x)
"""
        )
    )
    # the runtime raises at the GELU and never reaches the relu: no cascade
    assert _error_lines(source) == [_line_of(source, "F.gelu(x)")]
