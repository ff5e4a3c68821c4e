"""The table of bench/lsp/RESULTS.md from lspbench JSON files (LABEL.nLINES.json in a folder).

python bench/lsp/summary.py bench/lsp/scratch/results/DATE
"""

from __future__ import annotations

import glob
import json
import os
import re
import sys

TARGETS = {"edit_p95_10k": 50.0, "hover_p95": 10.0, "cold_10k": 1000.0, "rss": 150.0}


def cell(summary: dict, key: str, stat: str) -> str:
    value = (summary.get(key) or {}).get(stat)
    return "-" if value is None else (f"{value:,.0f}" if value >= 100 else f"{value:.1f}")


def main() -> int:
    folder = sys.argv[1] if len(sys.argv) > 1 else "."
    rows = []
    for path in sorted(glob.glob(os.path.join(folder, "*.n*.json"))):
        match = re.match(r"(.+)\.n(\d+)\.json$", os.path.basename(path))
        if not match:
            continue
        with open(path, encoding="utf-8") as handle:
            data = json.load(handle)
        rows.append((int(match.group(2)), match.group(1), data))
    print(
        "| server | lines | runs | cold ms p50 | keystroke→diag ms p50 / p95 | burst→diag ms p50 | hover ms p50 / p95 "
        "| codeAction ms p50 / p95 | RSS MiB after load / end (p50) | server CPU ms/edit | load avg |"
    )
    print("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|")
    for lines, label, data in sorted(rows, key=lambda r: (r[0], r[1] != "spmd", r[1])):
        s = data["summary"]
        runs = data.get("runs", [])
        loads = [
            x
            for r in runs
            for x in (r.get("loadavg_start"), r.get("loadavg_end"))
            if isinstance(x, (int, float))
        ]
        load = f"{min(loads):.1f}-{max(loads):.1f}" if loads else "?"
        print(
            f"| {label} | {lines:,} | {len(runs)} | {cell(s, 'cold_ms', 'p50')} "
            f"| {cell(s, 'edit_ms', 'p50')} / {cell(s, 'edit_ms', 'p95')} | {cell(s, 'burst_final_ms', 'p50')} "
            f"| {cell(s, 'hover_ms', 'p50')} / {cell(s, 'hover_ms', 'p95')} "
            f"| {cell(s, 'code_action_ms', 'p50')} / {cell(s, 'code_action_ms', 'p95')} "
            f"| {cell(s, 'rss_after_load_mb', 'p50')} / {cell(s, 'rss_end_mb', 'p50')} "
            f"| {cell(s, 'edit_cpu_ms_per_edit', 'p50')} | {load} |"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
