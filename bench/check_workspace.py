"""A command-line checker, cold, on a whole tree: wall time, CPU seconds, peak memory.

    python bench/check_workspace.py WORKSPACE [--runs 3] [--spmd-check PATH] [--ruff PATH]

Runs ``spmd-check --no-cache WORKSPACE`` and ``ruff check --no-cache WORKSPACE`` one
after the other, ``--runs`` times each, from the workspace's folder (each reads its
settings from the workspace's pyproject.toml). CPU time and peak resident memory come from
the child's own rusage (``os.wait4``): they include every thread (ruff checks files in
parallel) and every worker process spmd-check waited for (its ``--jobs``).
Linux starts a child's peak RSS at its parent's when the child execs, so this runs as a
small process of its own (bench/run.py starts it so): ``measurer_peak_rss_mib`` is that
floor, below any peak worth reporting. Lines per CPU-second: the workspace's Python lines
over the checker's CPU seconds.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

if __package__ in (None, ""):  # run as a script: make ``bench`` importable
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench import stats, tools
from bench.lsp import procstat


def python_lines(root: Path) -> int:
    total = 0
    for path in root.rglob("*.py"):
        with open(path, "rb") as handle:
            total += sum(1 for _ in handle)
    return total


def run_once(command: list[str], cwd: Path) -> dict[str, Any]:
    """One cold run: the child's wall time, CPU seconds, peak RSS and exit status."""
    started = time.perf_counter()
    child = subprocess.Popen(
        command, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
    )
    assert child.stdout is not None
    with child.stdout:
        output = child.stdout.read()  # drained while it runs, so a full pipe never stalls it
    _, status, usage = os.wait4(child.pid, 0)
    wall = time.perf_counter() - started
    child.returncode = os.waitstatus_to_exitcode(status)  # reaped: keep Popen from waiting
    return {
        "wall_s": round(wall, 3),
        "cpu_s": round(usage.ru_utime + usage.ru_stime, 3),
        "peak_rss_mib": round(usage.ru_maxrss / 1024, 1),  # ru_maxrss is in KiB on Linux
        "exit": child.returncode,
        "last_line": output.strip().splitlines()[-1][:200] if output.strip() else "",
    }


def commands(spmd_check: str, ruff: str) -> dict[str, list[str]]:
    """The two checkers, each on the whole tree (the working directory), each without its
    on-disk cache (cold runs)."""
    return {
        "spmd-check": [spmd_check, "--no-cache", "."],
        "ruff": [ruff, "check", "--no-cache", "."],
    }


def aggregate(command: list[str], samples: list[dict[str, Any]], lines: int) -> dict[str, Any]:
    cpu = stats.summary(s["cpu_s"] for s in samples)
    return {
        "command": command,
        "runs": samples,
        "wall_s": stats.summary(s["wall_s"] for s in samples),
        "cpu_s": cpu,
        "peak_rss_mib": stats.summary(s["peak_rss_mib"] for s in samples),
        "lines_per_cpu_s": round(lines / cpu["p50"]) if cpu["p50"] else None,
    }


def measure(root: Path, runs: int, spmd_check: str, ruff: str) -> dict[str, Any]:
    """Both checkers, alternating run by run, so that a change of load hits both alike."""
    lines = python_lines(root)
    todo = commands(spmd_check, ruff)
    samples: dict[str, list[dict[str, Any]]] = {name: [] for name in todo}
    for _ in range(runs):
        for name, command in todo.items():
            load = os.getloadavg()[0]
            sample = run_once(command, root)
            sample["load_before"] = load
            samples[name].append(sample)
    result: dict[str, Any] = {"workspace": str(root), "lines": lines}
    for name, command in todo.items():
        result[name] = aggregate(command, samples[name], lines)
    # this process's own peak (VmHWM of its memory map): its rusage would be its parent's
    result["measurer_peak_rss_mib"] = procstat.peak_rss_mib(os.getpid())
    return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("workspace", type=Path)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--spmd-check", default=tools.find("spmd-check"))
    parser.add_argument("--ruff", default=tools.find("ruff"))
    parser.add_argument("-o", "--output", type=Path)
    args = parser.parse_args(argv)
    result = measure(args.workspace.resolve(), args.runs, args.spmd_check, args.ruff)
    text = json.dumps(result, indent=1)
    if args.output:
        args.output.write_text(text + "\n", encoding="utf-8")
    else:
        print(text)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
