"""spmd-check's options and formats, in process: SARIF against the official schema, GitHub
annotations, statistics, --select/--ignore, --exit-zero, --explain, --version, colour."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from spmd_check import cli, version
from spmd_check.codes import CODES

from tests.unit.test_cli import BUG

SCHEMA = Path(__file__).resolve().parents[1] / "data" / "sarif-schema-2.1.0.json"

WARNS = """import torch
import spmd_types as spmd
from spmd_types import R, V
from spmd_types.checker import typecheck
from torch.distributed.device_mesh import init_device_mesh


class Square(torch.autograd.Function):
    @staticmethod
    def forward(ctx, x):
        return x * x

    @staticmethod
    def backward(ctx, g):
        return g


mesh = init_device_mesh("cpu", (2, 4), mesh_dim_names=("dp", "tp"))
with spmd.set_current_mesh(mesh), typecheck():
    v = torch.randn(4, 8)
    spmd.assert_type(v, {"dp": V, "tp": R})
    Square.apply(v)
    Square.apply(v)
"""


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    (tmp_path / "pkg").mkdir()
    (tmp_path / "pkg" / "bug.py").write_text(BUG)
    (tmp_path / "pkg" / "clean.py").write_text("x = 1\n")
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("NO_COLOR", raising=False)
    monkeypatch.delenv("FORCE_COLOR", raising=False)
    return tmp_path


def main(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    status = cli.main(list(args))
    out, err = capsys.readouterr()
    return status, out, err


def test_sarif_is_valid_sarif_2_1_0(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    jsonschema = pytest.importorskip("jsonschema")
    status, out, _ = main(capsys, "--output-format", "sarif", "pkg")
    assert status == 1
    document = json.loads(out)
    schema = json.loads(SCHEMA.read_text(encoding="utf-8"))
    jsonschema.Draft4Validator.check_schema(schema)
    errors = sorted(jsonschema.Draft4Validator(schema).iter_errors(document), key=str)
    assert not errors, "\n".join(str(e) for e in errors[:3])
    [run] = document["runs"]
    assert run["tool"]["driver"]["name"] == "spmd-check"
    rules = run["tool"]["driver"]["rules"]
    assert [r["id"] for r in rules] == list(CODES)
    assert all(r["helpUri"].endswith(f"#{r['id']}") and r["help"]["text"] for r in rules)
    [result] = run["results"]
    assert result["ruleId"] == "spmd-partial-nonlinear"
    assert rules[result["ruleIndex"]]["id"] == result["ruleId"]
    assert result["level"] == "error"
    location = result["locations"][0]["physicalLocation"]
    assert location["artifactLocation"] == {"uri": "pkg/bug.py", "uriBaseId": "%SRCROOT%"}
    assert location["region"] == {
        "startLine": 12,
        "startColumn": 20,
        "endLine": 12,
        "endColumn": 21,
    }
    assert result["relatedLocations"][0]["message"]["text"].startswith("the operand got its type")
    fix = result["fixes"][0]
    replacement = fix["artifactChanges"][0]["replacements"][0]
    assert replacement["insertedContent"]["text"] == 'spmd.all_reduce(x, "tp", src=P, dst=R)'
    assert run["columnKind"] == "unicodeCodePoints"


def test_sarif_of_a_clean_run_is_valid(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    jsonschema = pytest.importorskip("jsonschema")
    status, out, _ = main(capsys, "--output-format=sarif", "pkg/clean.py")
    assert status == 0
    schema = json.loads(SCHEMA.read_text(encoding="utf-8"))
    jsonschema.validate(json.loads(out), schema, cls=jsonschema.Draft4Validator)


def test_github_annotations_escape_properties(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    odd = project / "pkg" / "a,b:c.py"
    odd.write_text(BUG)
    status, out, _ = main(capsys, "--output-format", "github", str(odd.relative_to(project)))
    assert status == 1
    assert out.startswith("::error file=pkg/a%2Cb%3Ac.py,line=12,col=20,endLine=12,endColumn=21,")


def test_statistics(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (project / "pkg" / "bug2.py").write_text(BUG)
    status, out, _ = main(capsys, "--statistics", "pkg")
    assert status == 1
    assert out.splitlines() == [
        "2  spmd-partial-nonlinear  [*] a Partial value flows into a non-linear op",
    ]
    status, out, _ = main(capsys, "--statistics", "--output-format", "json", "pkg")
    assert json.loads(out) == [
        {
            "code": "spmd-partial-nonlinear",
            "count": 2,
            "fixable": 2,
            "severity": "error",
            "summary": "a Partial value flows into a non-linear op",
        }
    ]


def test_select_and_ignore(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(capsys, "--select", "spmd-src-mismatch", "pkg")[0] == 0
    assert main(capsys, "--select", "spmd-src-mismatch,spmd-partial", "pkg")[0] == 1  # a prefix
    assert main(capsys, "--ignore", "spmd-partial-nonlinear", "pkg")[0] == 0
    status, out, _ = main(capsys, "--select", "spmd-partial", "--ignore", "spmd-partial", "pkg")
    assert status == 0 and "No problems found" in out


@pytest.mark.parametrize("option", ["--select", "--ignore"])
def test_unknown_codes_are_a_usage_error(
    project: Path, capsys: pytest.CaptureFixture[str], option: str
) -> None:
    status, out, err = main(capsys, option, "spmd-src-mismatch,spmd-src-missmatch", "pkg")
    assert status == 2 and out == ""
    assert err.startswith(
        f"spmd-check: {option}: unknown code 'spmd-src-missmatch' (did you mean spmd-src-mismatch?)"
    )
    assert len(err.splitlines()) == 1


def test_exit_zero(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    status, out, _ = main(capsys, "--exit-zero", "pkg")
    assert status == 0 and "error[spmd-partial-nonlinear]" in out
    assert main(capsys, "--exit-zero", "nowhere")[0] == 2  # usage errors still count


def test_warnings_are_counted_and_do_not_fail(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (project / "warn.py").write_text(WARNS)
    status, out, _ = main(capsys, "warn.py")
    assert status == 0
    assert "warning[spmd-unregistered-function]" in out
    assert out.rstrip().endswith("Found 2 warnings in 1 file (checked 1 file).")
    status, out, _ = main(capsys, "pkg", "warn.py")
    assert "Found 1 error and 2 warnings in 2 files (checked 3 files)." in out


def test_explain_every_code(capsys: pytest.CaptureFixture[str]) -> None:
    for code in CODES:
        status, out, _ = main(capsys, "--explain", code)
        assert status == 0
        assert out.startswith(f"{code}: {CODES[code].summary}\n")
        assert "**Fix:**" in out, code
        assert out.rstrip().endswith(CODES[code].doc_url)
    status, out, err = main(capsys, "--explain", "spmd-src-missmatch")
    assert status == 2 and "did you mean spmd-src-mismatch?" in err


def test_version_names_the_modelled_runtime(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(version.importlib.metadata, "version", lambda name: "0.3.1")
    status, out, err = main(capsys, "--version")
    assert status == 0
    assert out == "spmd-check 0.1.0 (models spmd-types 0.3.1)\n" and err == ""


def test_another_installed_runtime_is_one_warning(
    project: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    asked: list[str] = []

    def installed(name: str) -> str:
        asked.append(name)
        return "0.4.0"

    monkeypatch.setattr(version.importlib.metadata, "version", installed)
    assert version.runtime_mismatch() is not None
    for args in (["--version"], ["pkg"]):
        _, _, err = main(capsys, *args)
        assert err.splitlines() == [
            "spmd-check: warning: spmd-types 0.4.0 is installed, but this checker models "
            "spmd-types 0.3.1: where the two releases differ, the checker's verdicts follow "
            "0.3.1, not the installed runtime"
        ]
    assert set(asked) == {"spmd-types"}


def test_no_installed_runtime_is_no_warning(monkeypatch: pytest.MonkeyPatch) -> None:
    def missing(name: str) -> str:
        raise version.importlib.metadata.PackageNotFoundError(name)

    monkeypatch.setattr(version.importlib.metadata, "version", missing)
    assert version.installed_spmd_types() is None and version.runtime_mismatch() is None


def test_colour(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    _, out, _ = main(capsys, "--color", "always", "pkg")
    assert "\x1b[1;31merror[spmd-partial-nonlinear]\x1b[0m" in out
    _, out, _ = main(capsys, "--color", "never", "pkg")
    assert "\x1b[" not in out


def test_related_information_in_another_file(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """An error inside a helper of another file is shown in that file, with a note (and the
    source line) for the call in the checked file."""
    monkeypatch.chdir(tmp_path)
    (tmp_path / "helpers.py").write_text(
        "import torch\n\n\ndef act(t):\n    return torch.relu(t)\n"
    )
    (tmp_path / "main.py").write_text(
        BUG.replace("import torch\n", "import torch\nfrom helpers import act\n").replace(
            "    y = torch.relu(x)\n", "    y = act(x)\n"
        )
    )
    status, out, _ = main(capsys, "main.py")
    assert status == 1
    assert " --> helpers.py:5:23" in out
    assert "main.py:13:9" in out and "13 |     y = act(x)" in out
