"""``spmd-check --jobs N`` and the on-disk cache change nothing the user sees: the output of
every format (and --statistics, --diff, --fix) is that of one process checking every file
from scratch, on the bundled examples and on a generated multi-file workspace. A worker
that dies costs its file in flight a note, and no other file; workers never import torch.
No test measures time: the machine running them may be busy."""

from __future__ import annotations

import multiprocessing.process
import os
import shutil
import subprocess
import sys
from multiprocessing.connection import Connection
from pathlib import Path

import pytest
from spmd_check import cli, codes, parallel
from spmd_check.analysis import Analyzer
from spmd_check.batch import Batch
from spmd_check.config import Config
from spmd_check.diskcache import DiskCache
from spmd_check.parallel import CheckTask, Finished, Started
from spmd_check.serialize import dump_result

from tests.unit.workspaces import generate

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"

FORMATS = [
    ["--output-format", "full"],
    ["--output-format", "concise"],
    ["--output-format", "json"],
    ["--output-format", "github"],
    ["--output-format", "sarif"],
    ["--statistics"],
    ["--statistics", "--output-format", "json"],
]


@pytest.fixture(params=["examples", "generated"])
def workspace(request: pytest.FixtureRequest, tmp_path: Path) -> Path:
    root = tmp_path / "ws"
    if request.param == "examples":
        shutil.copytree(EXAMPLES, root)
    else:
        generate(root)
    return root


def spmd_check(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    status = cli.main(list(args))
    out, err = capsys.readouterr()
    return status, out, err


def test_jobs_give_the_output_of_one_process_in_every_format(
    workspace: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(workspace)
    for options in FORMATS:
        one = spmd_check(capsys, "--no-cache", "--jobs", "1", *options, ".")
        two = spmd_check(capsys, "--no-cache", "--jobs", "2", *options, ".")
        assert two == one, options
        assert one[0] == 1 and one[1]


def test_the_cache_gives_the_output_of_a_run_without_it_in_every_format(
    workspace: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
) -> None:
    monkeypatch.chdir(workspace)
    cache = ["--cache-dir", str(tmp_path / "cache"), "--jobs", "1"]
    for options in FORMATS:
        without = spmd_check(capsys, "--no-cache", "--jobs", "1", *options, ".")
        cold = spmd_check(capsys, *cache, *options, ".")
        warm = spmd_check(capsys, *cache, *options, ".")
        assert cold == without, options
        assert warm == without, options


def test_an_edit_between_runs(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """One file changed: the warm run (with workers for what it checks) prints what a run
    from scratch prints."""
    root = tmp_path / "ws"
    generate(root)
    monkeypatch.chdir(root)
    cache = ["--cache-dir", str(tmp_path / "cache"), "--jobs", "2"]
    spmd_check(capsys, *cache, ".")
    layers = root / "pkg1" / "layers.py"
    layers.write_text(layers.read_text().replace("torch.relu(t)", "t * 3"), encoding="utf-8")
    (root / "pkg0" / "train_1.py").write_text("x = 1\n", encoding="utf-8")
    for options in FORMATS:
        assert spmd_check(capsys, *cache, *options, ".") == spmd_check(
            capsys, "--no-cache", "--jobs", "1", *options, "."
        ), options


def test_diff_and_fix_with_a_warm_cache(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """--diff and --fix do what they do without the cache, and a run after --fix does not
    show the results of the texts before the fix."""
    original = tmp_path / "original"
    generate(original)
    with_cache, without = tmp_path / "with", tmp_path / "without"
    shutil.copytree(original, with_cache)
    shutil.copytree(original, without)
    cache = ["--cache-dir", str(tmp_path / "cache")]

    monkeypatch.chdir(with_cache)
    spmd_check(capsys, *cache, ".")  # warm
    diff_warm = spmd_check(capsys, *cache, "--diff", ".")
    fix_warm = spmd_check(capsys, *cache, "--fix", ".")
    after_warm = spmd_check(capsys, *cache, "--output-format", "json", ".")

    monkeypatch.chdir(without)
    diff_cold = spmd_check(capsys, "--no-cache", "--diff", ".")
    fix_cold = spmd_check(capsys, "--no-cache", "--fix", ".")
    after_cold = spmd_check(capsys, "--no-cache", "--output-format", "json", ".")

    assert diff_warm == diff_cold and diff_warm[0] == 1
    assert fix_warm == fix_cold and "fixed" in fix_warm[1]
    assert after_warm == after_cold
    for path in sorted(original.rglob("*.py")):
        relative = path.relative_to(original)
        assert (with_cache / relative).read_text() == (without / relative).read_text()


def test_no_cache_writes_nothing(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.chdir(EXAMPLES)
    monkeypatch.setenv("SPMD_CHECK_CACHE_DIR", str(tmp_path / "env-cache"))
    spmd_check(capsys, "--no-cache", ".")
    assert not (tmp_path / "env-cache").exists()
    spmd_check(capsys, ".")
    assert any((tmp_path / "env-cache").rglob("*"))
    spmd_check(capsys, "--cache-dir", str(tmp_path / "option-cache"), ".")
    assert any((tmp_path / "option-cache").rglob("*"))


def test_an_unwritable_cache_is_one_warning(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.chdir(EXAMPLES)
    blocker = tmp_path / "a file"
    blocker.write_text("")
    status, out, err = spmd_check(capsys, "--cache-dir", str(blocker / "cache"), ".")
    assert (status, out) == spmd_check(capsys, "--no-cache", ".")[:2]
    assert err.count("spmd-check: warning: cannot write the cache in") == 1


@pytest.mark.parametrize("value", ["0", "-1", "two"])
def test_jobs_must_be_a_positive_number(value: str, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_:
        cli.main(["--jobs", value, "."])
    assert exit_.value.code == 2
    err = capsys.readouterr().err
    assert "expected a number of processes, 1 or more" in err and repr(value) in err


# ---------------------------------------------------------------------------------------
# the split, and workers that die


def test_the_split_depends_only_on_the_files_and_balances_lines() -> None:
    tasks = [CheckTask(f"f{k}.py", "x = 1\n" * n, Config()) for k, n in enumerate([5, 1, 9, 3, 7])]
    shares = parallel.split(tasks, 2)
    assert shares == parallel.split(tasks, 2)
    assert sorted(p for share in shares for p in share) == list(range(5))
    loads = [sum(tasks[p].lines for p in share) for share in shares]
    assert max(loads) - min(loads) <= 9
    assert parallel.workers_for(tasks, 8) == 5  # never more workers than files
    assert parallel.workers_for(tasks, 1) == 1
    assert parallel.workers_for(tasks[:1], None) == 1
    big = [CheckTask("big.py", "x = 1\n" * 10 * parallel.LINES_PER_WORKER, Config())] * 64
    assert parallel.workers_for(big, None) == min(os.cpu_count() or 1, 64)


def serve_but_die_on_crash_py(writer: Connection, share: list[tuple[int, CheckTask]]) -> None:
    """A worker that checks its files as ``parallel.serve`` does, and dies, as a crash of
    the interpreter would, when it reaches a file named crash.py."""
    writer.send(Started())
    for position, task in share:
        if task.path.endswith("crash.py"):
            os._exit(3)
        result = Analyzer(task.config).check(task.path, task.source)
        writer.send(Finished(position, dump_result(result)))
    writer.close()


def die_at_once(writer: Connection, share: list[tuple[int, CheckTask]]) -> None:
    """A worker that cannot start (its interpreter could not import the checker)."""
    os._exit(1)


def _tasks(root: Path) -> list[CheckTask]:
    return [
        CheckTask(str(path), path.read_text(encoding="utf-8"), Config())
        for path in sorted(root.rglob("*.py"))
    ]


def test_a_worker_that_dies_costs_only_its_file_in_flight(tmp_path: Path) -> None:
    root = tmp_path / "ws"
    generate(root, packages=2, modules=2)
    (root / "pkg0" / "crash.py").write_text("x = 1\n", encoding="utf-8")
    tasks = _tasks(root)
    here = Analyzer(Config())
    expected = [dump_result(here.check(t.path, t.source)) for t in tasks]
    results = parallel.check_all(
        tasks, 2, lambda t: here.check(t.path, t.source), serve_but_die_on_crash_py
    )
    crashed = next(p for p, t in enumerate(tasks) if t.path.endswith("crash.py"))
    for position, result in enumerate(results):
        if position == crashed:
            [note] = result.diagnostics
            assert note.code == codes.INTERNAL.name
            assert "stopped (exit status 3)" in note.message and "--jobs 1" in note.message
        else:
            assert dump_result(result) == expected[position], tasks[position].path


def test_workers_that_cannot_start_leave_the_work_to_this_process(tmp_path: Path) -> None:
    root = tmp_path / "ws"
    generate(root, packages=1, modules=2)
    tasks = _tasks(root)
    here = Analyzer(Config())
    results = parallel.check_all(tasks, 2, lambda t: here.check(t.path, t.source), die_at_once)
    fresh = Analyzer(Config())
    assert [dump_result(r) for r in results] == [
        dump_result(fresh.check(t.path, t.source)) for t in tasks
    ]


def test_workers_that_cannot_be_started_leave_the_work_to_this_process(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def refuse(self: object) -> None:
        raise OSError("Resource temporarily unavailable")

    monkeypatch.setattr(multiprocessing.process.BaseProcess, "start", refuse)
    root = tmp_path / "ws"
    generate(root, packages=1, modules=2)
    tasks = _tasks(root)
    here = Analyzer(Config())
    results = parallel.check_all(tasks, 2, lambda t: here.check(t.path, t.source))
    fresh = Analyzer(Config())
    assert [dump_result(r) for r in results] == [
        dump_result(fresh.check(t.path, t.source)) for t in tasks
    ]


def test_workers_import_no_torch() -> None:
    """Every process of a --jobs 2 run, workers included (-X importtime is passed on to
    them), imports the checker and never torch."""
    run = subprocess.run(
        [
            sys.executable,
            "-X",
            "importtime",
            "-m",
            "spmd_check.cli",
            "--no-cache",
            "--jobs",
            "2",
            "--output-format",
            "concise",
            str(EXAMPLES),
        ],
        capture_output=True,
        text=True,
    )
    assert run.returncode == 1, run.stderr[-2000:]
    modules = [
        line.rsplit("|", 1)[-1].strip()
        for line in run.stderr.splitlines()
        if line.startswith("import time:") and "|" in line
    ]
    assert modules.count("spmd_check.infer") >= 3  # this process and two workers
    assert not [m for m in modules if m == "torch" or m.startswith(("torch.", "spmd_types"))]


# ---------------------------------------------------------------------------------------
# verified fixes through the cache

HELPERS = """import spmd_types as spmd
from spmd_types import P, R


def finish(t):
    return spmd.all_reduce(t, "tp", src=P, dst=R)
"""

MAIN = """import torch
import spmd_types as spmd
from spmd_types import P, R
from spmd_types.checker import typecheck
from torch.distributed.device_mesh import init_device_mesh
from helpers import finish

mesh = init_device_mesh("cpu", (2, 4), mesh_dim_names=("dp", "tp"))
with spmd.set_current_mesh(mesh), typecheck():
    x = torch.randn(4, 8)
    spmd.assert_type(x, {"dp": R, "tp": P})
    y = torch.relu(x)
    w = finish(y)
"""


def test_a_stored_verification_follows_the_files_its_checks_used(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """The fix of the relu (reduce x first) breaks helpers.finish, which wants a Partial:
    it is not offered. Once finish takes anything, it is, though main.py's own check
    reports the same as before: the stored verification depended on helpers.py."""
    root = tmp_path / "ws"
    root.mkdir()
    (root / "helpers.py").write_text(HELPERS, encoding="utf-8")
    (root / "main.py").write_text(MAIN, encoding="utf-8")
    monkeypatch.chdir(root)
    cache = ["--cache-dir", str(tmp_path / "cache")]
    before = spmd_check(capsys, *cache, ".")
    assert before == spmd_check(capsys, *cache, ".")  # warm
    assert "help:" not in before[1]
    (root / "helpers.py").write_text(
        HELPERS.replace('spmd.all_reduce(t, "tp", src=P, dst=R)', "t * 2"), encoding="utf-8"
    )
    after = spmd_check(capsys, *cache, ".")
    assert after == spmd_check(capsys, "--no-cache", ".")
    assert "help:" in after[1]


def test_a_warm_run_verifies_no_fix_again(tmp_path: Path) -> None:
    root = tmp_path / "ws"
    generate(root, packages=1, modules=3)
    tasks = _tasks(root)

    def verified_by(batch: Batch) -> list[list[object]]:
        results = batch.run(tasks)
        return [
            [dump_result(r), [str(d) for d in batch.verified(t, r, r.diagnostics)]]
            for t, r in zip(tasks, results, strict=True)
        ]

    cold = Batch(DiskCache(tmp_path / "cache"), jobs=1)
    first = verified_by(cold)
    assert any("preferred=True" in d for _, ds in first for d in ds)  # fixes were verified
    warm = Batch(DiskCache(tmp_path / "cache"), jobs=1)
    assert verified_by(warm) == first
    assert warm.checked == []
    assert warm.analyzer(Config()).cache_stats().parsed == 0  # it checked nothing at all
    assert verified_by(Batch(None, jobs=1)) == first
