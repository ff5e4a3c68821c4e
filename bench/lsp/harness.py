"""Measure one language server on one scenario: the LSP latency harness's command line.

    python bench/lsp/harness.py --server 'spmd-lsp --stdio' --file tp_10000.py [--runs 3]
    python bench/lsp/harness.py --server 'ruff server' --workspace WS --file WS/pkg/model.py \\
        --soak 200 --pull -o ruff-ws.json

Without --workspace the file is opened alone in its folder (``scenarios.module_run``);
with it, the folder is the workspace and the file is opened at once while the server
scans it (``scenarios.workspace_run``). Prints (or writes) JSON: each run's samples and
a summary pooled over the runs. Stdlib only; run it with any Python 3.11+.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import shlex
import sys
import time
from pathlib import Path
from typing import Any

if __package__ in (None, ""):  # run as a script: make ``bench`` importable
    sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from bench import stats
from bench.lsp import scenarios

# per-run lists of samples pooled over runs, and per-run numbers summarised over runs
POOLED = (
    "keystroke_ms",
    "keystroke_during_scan_ms",
    "keystroke_after_scan_ms",
    "keystroke_enter_ms",
    "hover_ms",
)
PER_RUN = (
    "cold_ms",
    "cold_during_scan_ms",
    "scan_s",
    "cpu_ms_per_keystroke",
    "rss_after_open_mib",
    "rss_after_scan_mib",
    "rss_end_mib",
    "peak_rss_mib",
)


def summarise(runs: list[dict[str, Any]]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key in POOLED:
        if any(key in run for run in runs):
            out[key] = stats.summary(x for run in runs for x in run.get(key, []))
    for key in PER_RUN:
        if any(key in run for run in runs):
            out[key] = stats.summary(run.get(key) for run in runs)
    soaks = [run["soak"] for run in runs if "soak" in run]
    if soaks:
        out["soak_keystroke_ms"] = stats.summary(x for s in soaks for x in s["keystroke_ms"])
        out["soak_rss_start_mib"] = stats.summary(s["rss_mib"][0] for s in soaks)
        out["soak_rss_end_mib"] = stats.summary(s["rss_mib"][-1] for s in soaks)
        out["soak_rss_max_mib"] = stats.summary(max(s["rss_mib"]) for s in soaks)
        out["soak_keystrokes"] = soaks[0]["keystrokes"]
    out["errors"] = [run["error"] for run in runs if "error" in run]
    return out


async def measure(
    command: list[str],
    path: Path,
    workspace: Path | None,
    pull: bool,
    runs: int,
    settings: scenarios.Settings,
    log_dir: Path,
    label: str,
) -> dict[str, Any]:
    results = []
    started = time.perf_counter()
    for run in range(runs):
        log = log_dir / f"{label}.run{run}.stderr.log"
        if workspace is None:
            one = await scenarios.module_run(command, path, pull, settings, log)
        else:
            one = await scenarios.workspace_run(command, workspace, path, pull, settings, log)
        one["load_after"] = os.getloadavg()[0]
        results.append(one)
    return {
        "label": label,
        "command": command,
        "file": str(path),
        "workspace": None if workspace is None else str(workspace),
        "pull": pull,
        "settings": vars(settings),
        "wall_s": round(time.perf_counter() - started, 1),
        "summary": summarise(results),
        "runs": results,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--server", required=True, help="command line, split like a shell")
    parser.add_argument("--file", type=Path, required=True)
    parser.add_argument("--workspace", type=Path, help="a workspace folder holding --file")
    parser.add_argument("--pull", action="store_true", help="pull diagnostics, not push")
    parser.add_argument("--runs", type=int, default=3, help="fresh server processes")
    parser.add_argument("--edits", type=int, default=30)
    parser.add_argument("--hovers", type=int, default=30)
    parser.add_argument("--soak", type=int, default=0, help="keystrokes of the soak")
    parser.add_argument("--label", default="server")
    parser.add_argument("--log-dir", type=Path, default=Path("bench/scratch/logs"))
    parser.add_argument("-o", "--output", type=Path)
    args = parser.parse_args(argv)
    settings = scenarios.Settings(edits=args.edits, hovers=args.hovers, soak=args.soak)
    result = asyncio.run(
        measure(
            shlex.split(args.server),
            args.file,
            args.workspace,
            args.pull,
            args.runs,
            settings,
            args.log_dir,
            args.label,
        )
    )
    text = json.dumps(result, indent=1)
    if args.output:
        args.output.write_text(text + "\n", encoding="utf-8")
    else:
        print(text)
    return 1 if result["summary"]["errors"] else 0


if __name__ == "__main__":
    raise SystemExit(main())
