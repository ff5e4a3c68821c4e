"""[[tool.spmd-check.overrides]]: settings per file pattern (the training mesh for model
code, none for tests that build their own)."""

from __future__ import annotations

from pathlib import Path

import pytest
from spmd_check.analysis import Analyzer
from spmd_check.config import ConfigError, Mode, load_file

PYPROJECT = """\
[tool.spmd-check]
mesh-axes = ["dp", "tp"]

[[tool.spmd-check.overrides]]
files = ["tests/*"]
mesh-axes = "unknown"
strict-mode = "permissive"

[[tool.spmd-check.overrides]]
files = ["tests/test_special.py"]
ignore = ["spmd-unknown-axis"]
"""

USES_CP = """\
import torch
import spmd_types as spmd
from spmd_types import R


def f(x):
    spmd.assert_type(x, {"cp": R})
    return x
"""


def test_overrides_apply_to_matching_files_in_order(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text(PYPROJECT)
    config = load_file(tmp_path / "pyproject.toml")
    model = config.for_path(tmp_path / "model" / "layers.py")
    assert model.mesh_axes == ("dp", "tp") and model.mode is Mode.STRICT
    test = config.for_path(tmp_path / "tests" / "test_layers.py")
    assert test.mesh_axes is None and test.mode is Mode.PERMISSIVE and not test.ignore
    special = config.for_path(tmp_path / "tests" / "test_special.py")
    assert special.mesh_axes is None and special.ignore == frozenset({"spmd-unknown-axis"})


def test_the_checker_uses_the_settings_of_each_file(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text(PYPROJECT)
    (tmp_path / "tests").mkdir()
    analyzer = Analyzer(load_file(tmp_path / "pyproject.toml"))
    in_model = analyzer.check(str(tmp_path / "layers.py"), USES_CP)
    assert [d.code for d in in_model.diagnostics] == ["spmd-unknown-axis"]
    in_tests = analyzer.check(str(tmp_path / "tests" / "test_layers.py"), USES_CP)
    assert in_tests.diagnostics == []


@pytest.mark.parametrize(
    ("section", "message"),
    [
        ('[[tool.spmd-check.overrides]]\nmesh-axes = ["tp"]\n', "needs files"),
        (
            '[[tool.spmd-check.overrides]]\nfiles = ["a"]\nexclude = ["b"]\n',
            "unknown key 'exclude'",
        ),
        (
            '[[tool.spmd-check.overrides]]\nfiles = ["a"]\nstrict-mode = "lax"\n',
            "strict-mode must be",
        ),
        ("[tool.spmd-check]\noverrides = 3\n", "must be an array of tables"),
    ],
)
def test_a_malformed_override_says_what_is_wrong(
    tmp_path: Path, section: str, message: str
) -> None:
    text = section if section.startswith("[tool") else "[tool.spmd-check]\n" + section
    (tmp_path / "pyproject.toml").write_text(text)
    with pytest.raises(ConfigError, match=message):
        load_file(tmp_path / "pyproject.toml")
