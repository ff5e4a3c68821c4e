"""The policy on results lives in the checker: ignore comments, configured ignores, and
errors found in another file's functions, the same for the command line and the server."""

from __future__ import annotations

import json
import random
from pathlib import Path

import pytest
from spmd_check import policy
from spmd_check.analysis import Analyzer
from spmd_check.cli import main
from spmd_check.codes import Severity
from spmd_check.config import Config
from spmd_check.results import Diagnostic, Span

LIB = """\
import torch
import spmd_types as spmd


def act(x):
    return torch.relu(x){comment}
"""

MAIN = """\
import torch
import spmd_types as spmd
from spmd_types import P, R
from spmd_types.checker import typecheck
from torch.distributed.device_mesh import init_device_mesh

from pkg.lib import act

mesh = init_device_mesh("cpu", (2, 4), mesh_dim_names=("dp", "tp"))
with spmd.set_current_mesh(mesh), typecheck():
    x = torch.randn(4, 8)
    spmd.assert_type(x, {"dp": R, "tp": P})
    y = act(x)
"""


def _package(root: Path, comment: str) -> Path:
    pkg = root / "pkg"
    pkg.mkdir()
    (pkg / "__init__.py").write_text("")
    (pkg / "lib.py").write_text(LIB.format(comment=comment))
    (pkg / "main.py").write_text(MAIN)
    return pkg


def _cli_codes(args: list[str], capsys: pytest.CaptureFixture[str]) -> dict[str, list[str]]:
    main(["--format", "json", *args])
    found: dict[str, list[str]] = {}
    for d in json.loads(capsys.readouterr().out)["diagnostics"]:
        found.setdefault(Path(d["path"]).name, []).append(d["code"])
    return found


def test_an_error_found_from_a_caller_is_reported_in_the_callee_file(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    pkg = _package(tmp_path, "")
    assert _cli_codes([str(pkg / "main.py")], capsys) == {"lib.py": ["spmd-partial-nonlinear"]}


@pytest.mark.parametrize(
    "comment", ["  # spmd: ignore[spmd-partial-nonlinear]", "  # spmd: ignore"]
)
def test_an_ignore_comment_in_the_callee_file_silences_it_for_every_front_end(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], comment: str
) -> None:
    pkg = _package(tmp_path, comment)
    assert _cli_codes([str(pkg / "main.py")], capsys) == {}
    assert _cli_codes([str(pkg)], capsys) == {}
    result = Analyzer().check(str(pkg / "main.py"), MAIN)
    assert result.diagnostics == [] and result.elsewhere == {}


def test_a_configured_ignore_silences_errors_in_other_files_too(tmp_path: Path) -> None:
    pkg = _package(tmp_path, "")
    result = Analyzer(Config(ignore=frozenset({"spmd-partial-nonlinear"}))).check(
        str(pkg / "main.py"), MAIN
    )
    assert result.elsewhere == {}
    unfiltered = Analyzer().check(str(pkg / "main.py"), MAIN)
    assert [d.code for ds in unfiltered.elsewhere.values() for d in ds] == [
        "spmd-partial-nonlinear"
    ]


def _diagnostic(line: int, code: str = "spmd-partial-nonlinear") -> Diagnostic:
    return Diagnostic(Span(line, 0, line, 1), code, "message", Severity.ERROR)


def test_merge_keeps_one_copy_and_source_order() -> None:
    own = [_diagnostic(3)]
    merged = policy.merge(own, [_diagnostic(1), _diagnostic(3), _diagnostic(1)], ["", "", "", ""])
    assert [d.span.line for d in merged] == [1, 3]


def test_merge_honours_the_comments_of_the_text_shown() -> None:
    lines = [
        "x = 1",
        "y = f(x)  # spmd: ignore[spmd-partial-nonlinear]",
        "z = g(y)  # spmd: ignore",
    ]
    merged = policy.merge(
        [], [_diagnostic(1), _diagnostic(1, "spmd-invariant-mix"), _diagnostic(2)], lines
    )
    assert [(d.span.line, d.code) for d in merged] == [(1, "spmd-invariant-mix")]


def test_ignored_codes_reads_the_comment_forms() -> None:
    assert policy.ignored_codes("x  # spmd: ignore") == set()
    assert policy.ignored_codes("x  # spmd: ignore[a, b]") == {"a", "b"}
    assert policy.ignored_codes("x  # spmd: other") is None
    assert policy.ignored_codes("x") is None


@pytest.mark.parametrize("seed", range(30))
def test_comment_lines_read_as_the_split_lines_do(seed: int) -> None:
    """``CommentLines`` finds the comment lines without splitting the file: every line
    that holds ``spmd:`` reads as the split gives it, every other as an empty line."""
    rng = random.Random(seed)
    pieces = ["\n", "\r\n", "\r", "x = 1", "  # spmd: ignore", "# spmd: ignore[a, b]", "spmd:", " "]
    text = "".join(rng.choice(pieces) for _ in range(rng.randrange(0, 60)))
    split = policy.split_lines(text)
    lines = policy.CommentLines(text)
    assert [lines.line(n) for n in range(len(split) + 2)] == [
        *(line if "spmd:" in line else "" for line in split),
        "",
        "",
    ]
