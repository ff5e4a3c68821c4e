"""Keystrokes in real code: every file of a real framework that uses spmd_types, edited
where a user types (``workload.edit_site``), each keystroke checked in one process as the
server checks it (``Engine.check``: the checker with the server's caches, the workspace
read from disk). It prints the pooled keystroke p50 / p95, the slowest files, and the cold
first check, so that a change is measured on code nobody generated.

    python bench/real_edits.py                      # torchtitan 0.3.0, fetched with pip
    python bench/real_edits.py path/to/src --edits 10 --json out.json
    python bench/real_edits.py --profile edits.prof  # then: python -m pstats edits.prof

Without a folder it downloads the ``torchtitan==0.3.0`` wheel (no dependencies, a few MB)
into ``bench/scratch/real`` once and unpacks it there. The numbers are the check alone
(no JSON-RPC, no editor), the part of a keystroke that grows with the code: compare them
with ``bench/run.py``'s round trips, not with ruff's.
"""

from __future__ import annotations

import argparse
import cProfile
import gc
import json
import subprocess
import sys
import time
import zipfile
from pathlib import Path
from typing import Any

if __package__ in (None, ""):  # run as a script: make ``bench`` importable
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench import stats
from bench.lsp.workload import Typist, edit_site

SCRATCH = Path(__file__).resolve().parent / "scratch" / "real"
DEFAULT_PACKAGE = "torchtitan==0.3.0"


def fetch(requirement: str) -> Path:
    """The unpacked wheel of ``requirement`` under bench/scratch/real (downloaded once)."""
    target = SCRATCH / requirement.replace("==", "-")
    if target.is_dir():
        return target
    download = SCRATCH / "wheels"
    download.mkdir(parents=True, exist_ok=True)
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "download",
            "--no-deps",
            "--only-binary=:all:",
            "-d",
            str(download),
            requirement,
        ],
        check=True,
    )
    name = requirement.split("==")[0]
    wheels = sorted(download.glob(f"{name}-*.whl"))
    if not wheels:
        raise SystemExit(f"pip downloaded no wheel of {requirement} into {download}")
    with zipfile.ZipFile(wheels[-1]) as wheel:
        wheel.extractall(target)
    return target


def _failed(result: Any) -> bool:
    """Whether the checker failed on the file (its own error, reported as a note; a
    function past its budget is reported with the same code, and is no failure)."""
    return any(
        d.code == "spmd-internal" and d.message.startswith("The checker failed")
        for d in result.diagnostics
    )


def seen(result: Any) -> tuple[object, ...]:
    """What a user sees of a check: diagnostics with their notes and fixes, reveals,
    collective facts, errors found in other files, and every hover fact with its origins
    (also what the tests compare an incremental check with a fresh one by)."""

    from spmd_check.results import CHAIN

    def origins(origin: Any) -> list[tuple[object, ...]]:
        # the steps anything reads of a chain (``results.CHAIN``): past them, where a chain
        # was cut depends on the way its value came, and nothing shows it
        steps = []
        while origin is not None and len(steps) <= CHAIN:
            steps.append((origin.span, origin.description, origin.path))
            origin = origin.previous
        return steps

    return (
        sorted(
            (d.span, d.code, d.message, d.severity, d.related, d.fixes) for d in result.diagnostics
        ),
        list(result.reveals),
        {path: sorted(map(repr, found)) for path, found in result.elsewhere.items()},
        list(result.collectives),
        [
            (
                f.span,
                f.expression,
                f.types,
                f.requires_grad,
                f.shown,
                f.is_target,
                origins(f.origin),
            )
            for f in result.facts
        ],
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("root", nargs="?", help="a source tree (default: torchtitan 0.3.0)")
    parser.add_argument("--edits", type=int, default=10, help="keystrokes per file")
    parser.add_argument(
        "--enter-every",
        type=int,
        default=0,
        metavar="N",
        help="every Nth keystroke is an Enter (indented like its line): lines below move",
    )
    parser.add_argument(
        "--verify",
        action="store_true",
        help="also check each keystroke's text from scratch and list the files where the two"
        " differ (diagnostics, reveals, collective facts, hover facts with their origins)",
    )
    parser.add_argument("--json", metavar="FILE", help="write every sample here")
    parser.add_argument(
        "--profile", metavar="FILE", help="a cProfile of the keystroke checks, all files pooled"
    )
    args = parser.parse_args()
    profiler = cProfile.Profile() if args.profile else None
    from spmd_check.api import tune_garbage_collector
    from spmd_check.config import Config
    from spmd_lsp.engine import Engine
    from spmd_lsp.server import Options

    root = Path(args.root) if args.root else fetch(DEFAULT_PACKAGE)
    files = sorted(
        p
        for p in root.rglob("*.py")
        if "spmd_types" in p.read_text(encoding="utf-8", errors="replace")
    )
    tune_garbage_collector()  # the server's collection thresholds (spmd_lsp.main)
    # one server: imported modules stay loaded across files, and a look at the disk serves
    # the checks of a moment, as they do
    engine = Engine(disk_trust=Options().disk_trust)
    samples: dict[str, list[float]] = {}
    cold: dict[str, float] = {}
    differ: list[str] = []  # --verify: files where a keystroke's check differs from a fresh one
    failed: list[str] = []  # files where a check failed (an internal error: a checker bug)
    for file in files:
        path = str(file.resolve())
        text = file.read_text(encoding="utf-8")
        try:
            site = edit_site(text)
        except (SyntaxError, ValueError):  # nothing to type into
            continue
        started = time.perf_counter()
        first, _ = engine.check(path, text, Config())
        cold[path] = 1000 * (time.perf_counter() - started)
        if _failed(first):
            failed.append(path)
        typist = Typist(text, site, args.enter_every)
        times = []
        for _ in range(args.edits):
            typist.keystroke()
            edited = typist.text
            started = time.perf_counter()
            if profiler is not None:
                profiler.enable()
            result, _ = engine.check(path, edited, Config(), cancelled=lambda: False)
            if profiler is not None:
                profiler.disable()
            times.append(1000 * (time.perf_counter() - started))
            if _failed(result) and path not in failed:
                failed.append(path)
            if args.verify and path not in differ:
                fresh, _ = Engine(disk_trust=0.0).check(path, edited, Config())
                if seen(result) != seen(fresh):
                    differ.append(path)
        samples[path] = times
        gc.collect()  # the server collects while idle (IdleCollector), not mid-keystroke
    pooled = stats.summary(t for times in samples.values() for t in times)
    colds = stats.summary(cold.values())
    per_file = {path: stats.summary(times) for path, times in samples.items()}
    print(f"{root}: {len(samples)} files that use spmd_types, {args.edits} keystrokes each")
    print(
        f"keystroke check, ms: p50 {pooled['p50']:.1f}  p95 {pooled['p95']:.1f}"
        f"  max {pooled['max']:.1f}"
    )
    print(f"cold first check, ms: p50 {colds['p50']:.1f}  p95 {colds['p95']:.1f}")
    print("slowest files (keystroke p50 / p95, ms; lines):")
    for path in sorted(per_file, key=lambda p: per_file[p]["p50"] or 0.0, reverse=True)[:8]:
        count = Path(path).read_text(encoding="utf-8").count("\n")
        print(
            f"  {per_file[path]['p50']:7.1f} / {per_file[path]['p95']:7.1f}  {count:5d}  "
            f"{Path(path).relative_to(root.resolve())}"
        )
    print(f"checks that failed (spmd-internal): {len(failed)} files")
    for path in failed:
        print(f"  {Path(path).relative_to(root.resolve())}")
    if args.verify:
        print(f"checks that differ from a fresh one: {len(differ)} files")
        for path in differ:
            print(f"  {Path(path).relative_to(root.resolve())}")
    if profiler is not None:
        profiler.dump_stats(args.profile)
    if args.json:
        Path(args.json).write_text(json.dumps({"keystrokes": samples, "cold": cold}, indent=1))


if __name__ == "__main__":
    main()
