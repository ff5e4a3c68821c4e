"""spmd-check end to end: output formats, exit status, configuration and bad input."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from spmd_check.explain import docs_url

BUG = """import torch
import spmd_types as spmd
from spmd_types import P, R
from spmd_types.checker import typecheck
from torch.distributed.device_mesh import init_device_mesh

mesh = init_device_mesh("cpu", (2, 4), mesh_dim_names=("dp", "tp"))
with spmd.set_current_mesh(mesh), typecheck():
    x = torch.randn(4, 8)
    spmd.assert_type(x, {"dp": R, "tp": P})
    reveal_type(x)
    y = torch.relu(x)
"""


def run(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "spmd_check.cli", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.fixture
def project(tmp_path: Path) -> Path:
    (tmp_path / "pkg").mkdir()
    (tmp_path / "pkg" / "bug.py").write_text(BUG)
    (tmp_path / "pkg" / "clean.py").write_text("x = 1\n")
    return tmp_path


def test_concise_output_and_exit_status(project: Path) -> None:
    done = run("--output-format", "concise", "pkg", cwd=project)
    assert done.returncode == 1
    lines = done.stdout.splitlines()
    # reveals in line order among the diagnostics
    assert lines[0] == (
        "pkg/bug.py:11:5: note reveal_type x: {dp: R, tp: P} (gradient {dp: P, tp: R})"
    )
    assert lines[1].startswith(
        "pkg/bug.py:12:20: error spmd-partial-nonlinear Partial type on axis tp"
    )
    assert lines[2] == "Found 1 error in 1 file (checked 2 files)."
    assert done.stderr == ""


def test_format_is_an_alias_of_output_format(project: Path) -> None:
    assert (
        run("--format", "concise", "pkg", cwd=project).stdout
        == run("--output-format=concise", "pkg", cwd=project).stdout
    )


def test_full_output_is_the_default(project: Path) -> None:
    done = run("pkg", cwd=project)
    assert done.returncode == 1
    assert done.stdout.startswith("note[reveal_type]: x: {dp: R, tp: P}")
    assert "error[spmd-partial-nonlinear]: Partial type on axis tp cannot propagate" in done.stdout
    assert "\x1b[" not in done.stdout  # no colour when not writing to a terminal
    assert (
        "  --> pkg/bug.py:12:20\n   |\n12 |     y = torch.relu(x)\n   |                    ^\n"
    ) in done.stdout
    assert "note: the operand got its type here" in done.stdout
    assert "  --> pkg/bug.py:10:5\n" in done.stdout
    assert 'help: spmd.all_reduce(x, "tp", src=P, dst=R) on the Partial operand' in done.stdout
    assert '12 +     y = torch.relu(spmd.all_reduce(x, "tp", src=P, dst=R))' in done.stdout
    assert f"= docs: {docs_url('spmd-partial-nonlinear')}\n" in done.stdout  # file://
    assert "note[reveal_type]: x: {dp: R, tp: P} (gradient {dp: P, tp: R})" in done.stdout
    assert done.stdout.index("note[reveal_type]") < done.stdout.index("error[")
    assert done.stdout.rstrip().endswith(
        "Found 1 error in 1 file (checked 2 files).\n"
        "1 error can be fixed with --fix (--diff shows the changes first)."
    )


def test_clean_file_exits_zero(project: Path) -> None:
    done = run("pkg/clean.py", cwd=project)
    assert done.returncode == 0
    assert done.stdout == "No problems found (checked 1 file).\n"


def test_json_output(project: Path) -> None:
    done = run("--format", "json", "pkg/bug.py", cwd=project)
    document = json.loads(done.stdout)
    assert document["version"] == 1
    [diagnostic] = document["diagnostics"]
    assert diagnostic == {
        "path": "pkg/bug.py",
        "line": 12,
        "column": 20,
        "end_line": 12,
        "end_column": 21,
        "severity": "error",
        "code": "spmd-partial-nonlinear",
        "message": diagnostic["message"],
        "url": docs_url("spmd-partial-nonlinear"),  # the installed page, file://
        "related": [
            {
                "path": "pkg/bug.py",
                "line": 10,
                "column": 5,
                "end_line": 10,
                "end_column": 44,
                # what happened there, not where (the location says that)
                "message": 'the operand got its type here: `spmd.assert_type(x, {"dp": R, "tp": P})`',
            }
        ],
        "fixes": [
            {
                "title": diagnostic["fixes"][0]["title"],
                "preferred": True,
                "edits": [
                    {
                        "path": "pkg/bug.py",
                        "line": 12,
                        "column": 20,
                        "end_line": 12,
                        "end_column": 21,
                        "new_text": 'spmd.all_reduce(x, "tp", src=P, dst=R)',
                    }
                ],
            },
            {
                "title": diagnostic["fixes"][1]["title"],
                "preferred": False,
                "edits": [
                    {
                        "path": "pkg/bug.py",
                        "line": 12,
                        "column": 20,
                        "end_line": 12,
                        "end_column": 21,
                        # I is not imported: the fix names it through the module
                        "new_text": 'spmd.all_reduce(x, "tp", src=spmd.P, dst=spmd.I)',
                    }
                ],
            },
        ],
    }
    assert "all-reduce in forward" in diagnostic["fixes"][0]["title"]
    assert document["summary"] == {
        "files": 1,
        "errors": 1,
        "warnings": 0,
        "notes": 0,
        "fixable": 1,
    }
    [reveal] = document["reveals"]
    assert reveal["types"] == {"dp": "R", "tp": "P"} and reveal["gradient"] == {
        "dp": "P",
        "tp": "R",
    }


def test_github_output(project: Path) -> None:
    done = run("--format", "github", "pkg/bug.py", cwd=project)
    assert done.stdout.startswith(
        "::error file=pkg/bug.py,line=12,col=20,endLine=12,endColumn=21,title=spmd-partial-nonlinear::"
    )


def test_ignore_comment(project: Path) -> None:
    path = project / "pkg" / "bug.py"
    path.write_text(
        BUG.replace("torch.relu(x)\n", "torch.relu(x)  # spmd: ignore[spmd-partial-nonlinear]\n")
    )
    assert run("pkg/bug.py", cwd=project).returncode == 0


@pytest.mark.parametrize(
    ("table", "expected"),
    [
        (
            'strict-mode = "lenient"',
            'strict-mode must be "strict" or "permissive", found \'lenient\'',
        ),
        ('mesh-axes = "tp"', "mesh-axes must be a list of strings"),
        ("colour = 1", "unknown key 'colour' in [tool.spmd-check]"),
        ('ignore = ["spmd-nope"]', "ignore names unknown codes ['spmd-nope']"),
    ],
)
def test_bad_configuration_is_one_line(project: Path, table: str, expected: str) -> None:
    (project / "pyproject.toml").write_text(f"[tool.spmd-check]\n{table}\n")
    done = run("pkg", cwd=project)
    assert done.returncode == 2
    assert expected in done.stderr
    assert "pyproject.toml" in done.stderr and "Traceback" not in done.stderr
    assert len(done.stderr.strip().splitlines()) == 1


def test_invalid_toml(project: Path) -> None:
    (project / "pyproject.toml").write_text("[tool.spmd-check\n")
    done = run("pkg", cwd=project)
    assert done.returncode == 2 and "invalid TOML" in done.stderr and "Traceback" not in done.stderr


def test_configuration_applies(project: Path) -> None:
    (project / "pyproject.toml").write_text(
        '[tool.spmd-check]\nignore = ["spmd-partial-nonlinear"]\n'
    )
    assert run("pkg", cwd=project).returncode == 0


def test_non_utf8_and_missing_paths(project: Path) -> None:
    (project / "pkg" / "latin1.py").write_bytes(b"x = '\xe9'\n")
    done = run("pkg", cwd=project)
    assert done.returncode == 1  # the bug is still reported
    assert "latin1.py: not valid UTF-8" in done.stderr and "Traceback" not in done.stderr
    missing = run("nowhere.py", cwd=project)
    assert missing.returncode == 2 and "no such file or directory" in missing.stderr


def test_an_explicit_path_that_is_not_python(project: Path) -> None:
    (project / "notes.txt").write_text("x = 1\n")
    done = run("pkg", "notes.txt", cwd=project)
    assert done.returncode == 2
    assert done.stderr == (
        "spmd-check: notes.txt: not a Python file (spmd-check checks .py files and folders "
        "of them)\n"
    )
    assert done.stdout == ""
    (project / "script").write_text("#!/usr/bin/env python3\nx = 1\n")
    assert run("script", cwd=project).returncode == 0  # a python shebang is a Python file


def test_no_path_is_a_usage_error(project: Path) -> None:
    done = run(cwd=project)
    assert done.returncode == 2 and "give at least one PATH" in done.stderr


def test_syntax_error_keeps_the_rest(project: Path) -> None:
    path = project / "pkg" / "bug.py"
    path.write_text(BUG.replace("    reveal_type(x)\n", "    z = (\n    reveal_type(x)\n"))
    done = run("pkg/bug.py", cwd=project)
    assert "error[spmd-syntax]" in done.stdout
    assert "error[spmd-partial-nonlinear]" in done.stdout


def test_backward_on_varying_loss_has_a_fix_that_removes_it() -> None:
    from spmd_check.analysis import check_source

    source = (
        BUG.replace("    reveal_type(x)\n    y = torch.relu(x)\n", "")
        .replace('{"dp": R, "tp": P}', '{"dp": V, "tp": P}')
        .replace("from spmd_types import P, R", "from spmd_types import P, R, V")
        .replace("torch.randn(4, 8)", "torch.randn(4, 8, requires_grad=True)")
        + "    loss = x.sum()\n    loss.backward()\n"
    )
    [diagnostic] = check_source(source).diagnostics
    assert diagnostic.code == "spmd-backward-loss"
    [fix] = diagnostic.fixes
    [edit] = fix.edits
    lines = source.splitlines(keepends=True)
    line = lines[edit.span.line]
    lines[edit.span.line] = line[: edit.span.column] + edit.new_text + line[edit.span.end_column :]
    fixed = "".join(lines)
    assert 'spmd.reinterpret(loss, "dp", src=V, dst=P).backward()' in fixed
    assert check_source(fixed).diagnostics == []
