"""spmd-check --fix and --diff: verified fixes only, files written (or not), exit status;
and the pre-commit hook definition."""

from __future__ import annotations

import json
import stat
import tomllib
from pathlib import Path

import pytest
from spmd_check import cli

from tests.unit.test_cli import BUG

ROOT = Path(__file__).resolve().parents[2]
PLANTED = (ROOT / "examples" / "planted_bug.py").read_text()
HELPER = (ROOT / "tests" / "cases" / "flow" / "helper_second_call.py").read_text()


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    (tmp_path / "planted_bug.py").write_text(PLANTED)
    (tmp_path / "clean.py").write_text("x = 1\n")
    monkeypatch.chdir(tmp_path)
    return tmp_path


def main(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    status = cli.main(list(args))
    out, err = capsys.readouterr()
    return status, out, err


def test_diff_prints_the_verified_fix_and_changes_nothing(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    status, out, err = main(capsys, "--diff", ".")
    assert status == 1
    assert out == (
        "--- a/planted_bug.py\n"
        "+++ b/planted_bug.py\n"
        "@@ -16,8 +16,8 @@\n"
        " def row_parallel_block(h, w, tp):\n"
        "     y = h @ w  # V @ V: a partial sum on every rank\n"
        "     y = spmd.reinterpret(y, tp, src=V, dst=P)\n"
        "-    y = F.gelu(y)  # BUG: GELU of a partial sum is not the partial sum of GELUs\n"
        "-    return spmd.all_reduce(y, tp, src=P, dst=I)\n"
        "+    y = F.gelu(spmd.all_reduce(y, tp, src=P, dst=I))  # BUG: GELU of a partial sum is "
        "not the partial sum of GELUs\n"
        "+    return y\n"
        " \n"
        " \n"
        " def main():\n"
    )
    assert err == "Would fix 1 error in 1 file (run with --fix to apply).\n"
    assert (project / "planted_bug.py").read_text() == PLANTED
    assert main(capsys, "--diff", "--exit-zero", ".")[0] == 0


def test_diff_with_nothing_to_fix(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    status, out, err = main(capsys, "--diff", "clean.py")
    assert (status, out, err) == (0, "", "No fixes available.\n")


def test_fix_writes_the_file_and_reports_it(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = project / "planted_bug.py"
    path.write_bytes(PLANTED.replace("\n", "\r\n").encode())
    path.chmod(0o755)
    status, out, err = main(capsys, "--fix", ".")
    assert status == 0, out + err
    assert out.splitlines() == [
        "fixed planted_bug.py:19:16: spmd-partial-nonlinear: spmd.all_reduce(y, tp, src=P, "
        "dst=I) on the Partial operand (all-reduce (P -> I) in forward, no-op (I -> R) in "
        "backward), replacing the all_reduce on line 20",
        "Found 1 error: 1 fixed, 0 remaining (checked 2 files).",
    ]
    fixed = path.read_bytes().decode()
    assert "\r\n    return y\r\n" in fixed and "\n" not in fixed.replace("\r\n", "")
    assert stat.S_IMODE(path.stat().st_mode) == 0o755
    assert main(capsys, ".")[0] == 0
    assert sorted(p.name for p in project.iterdir()) == ["clean.py", "planted_bug.py"]


def test_fix_leaves_what_it_cannot_fix(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (project / "helper.py").write_text(HELPER)
    status, out, _ = main(capsys, "--fix", "--output-format", "concise", ".")
    assert status == 1
    assert "helper.py:10:26: error spmd-partial-nonlinear" in out
    assert out.rstrip().endswith("Found 2 errors: 1 fixed, 1 remaining (checked 3 files).")
    assert (project / "helper.py").read_text() == HELPER


def test_fix_respects_the_selection(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (project / "bug.py").write_text(BUG)
    status, _, _ = main(capsys, "--fix", "--select", "spmd-src-mismatch", ".")
    assert status == 0
    assert (project / "planted_bug.py").read_text() == PLANTED
    assert (project / "bug.py").read_text() == BUG


def test_fix_in_json(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    status, out, _ = main(capsys, "--fix", "--output-format", "json", "planted_bug.py")
    assert status == 0
    document = json.loads(out)
    assert document["diagnostics"] == []
    [fixed] = document["fixed"]
    assert fixed["path"] == "planted_bug.py" and fixed["line"] == 19 and fixed["extended"]
    assert document["summary"]["fixed"] == 1


def test_fix_and_diff_exclude_each_other(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit:
        cli.main(["--fix", "--diff", "."])
    assert exit.value.code == 2
    assert "not allowed with argument" in capsys.readouterr().err


def test_pre_commit_hook() -> None:
    yaml = pytest.importorskip("yaml")
    hooks = yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))
    [hook] = hooks
    assert hook["id"] == "spmd-check"
    assert hook["language"] == "python"
    assert hook["types"] == ["python"]
    assert hook["require_serial"] is True
    scripts = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["scripts"]
    assert hook["entry"] in scripts and scripts[hook["entry"]] == "spmd_check.cli:main"
    # what pre-commit runs: the entry with the staged files appended
    assert cli.main(["--exit-zero", str(ROOT / "examples" / "megatron_mlp.py")]) == 0
