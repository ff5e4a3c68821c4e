"""How long the checker takes on generated Megatron-style modules: cold, and after an edit.

    python bench/check_speed.py [--lines 2000 10000] [--runs 7]

The modules come from ../shared/tools/lspbench/gen_module.py (run, not copied).
Prints medians; nothing here is asserted (speed lives in benchmarks, not tests).
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from spmd_check.analysis import Analyzer

GENERATOR = Path(__file__).resolve().parents[2] / "shared" / "tools" / "lspbench" / "gen_module.py"


def generate(lines: int, folder: Path) -> Path:
    out = folder / f"tp_{lines}.py"
    subprocess.run(
        [sys.executable, str(GENERATOR), "--lines", str(lines), "--seed", "0", "-o", str(out)],
        check=True,
    )
    return out


def measure(path: Path, runs: int) -> dict[str, float]:
    source = path.read_text()
    cold = []
    for _ in range(runs):
        analyzer = Analyzer()
        start = time.perf_counter()
        analyzer.check(str(path), source)
        cold.append(time.perf_counter() - start)
    analyzer = Analyzer()
    analyzer.check(str(path), source)
    edits = []
    lines = source.splitlines(keepends=True)
    target = next(
        i for i, line in enumerate(lines) if "spmd.all_reduce(" in line and "return" in line
    )
    for k in range(runs):
        edited = lines.copy()
        edited[target] = (
            edited[target].rstrip("\n") + f"  # edit {k}\n"
        )  # a keystroke inside one function
        start = time.perf_counter()
        analyzer.check(str(path), "".join(edited))
        edits.append(time.perf_counter() - start)
    return {
        "cold_median_s": statistics.median(cold),
        "edit_median_s": statistics.median(edits),
        "edit_max_s": max(edits),
    }


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--lines", type=int, nargs="+", default=[2000, 10000])
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        print(f"{'lines':>7} {'cold median':>12} {'edit median':>12} {'edit max':>9}")
        for n in args.lines:
            result = measure(generate(n, Path(tmp)), args.runs)
            print(
                f"{n:>7} {result['cold_median_s'] * 1000:>10.0f}ms {result['edit_median_s'] * 1000:>10.1f}ms {result['edit_max_s'] * 1000:>7.1f}ms"
            )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
