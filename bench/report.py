"""The one Markdown table of bench/run.py, from its raw JSON.

    python bench/report.py bench/scratch/results/DATE/results.json

Latencies are milliseconds; p50/p95 of keystrokes and hovers are over the samples
pooled across runs, cold opens, scan times, CPU and memory are medians over runs.
The last column is spmd-lsp (or spmd-check) divided by ruff: how many times ruff's.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

SERVERS = ("spmd-lsp", "floor", "ruff")

# (scenario, metric, statistic, row label); metric names are harness.summarise's keys
ROWS: list[tuple[str, str, str, str]] = [
    ("module_10000_push", "cold_ms", "p50", "10k-line module: cold open → diagnostics, ms"),
    ("module_10000_push", "keystroke_ms", "p50", "10k: keystroke → diagnostics (push), ms p50"),
    ("module_10000_push", "keystroke_ms", "p95", "10k: keystroke → diagnostics (push), ms p95"),
    ("module_10000_pull", "keystroke_ms", "p50", "10k: keystroke → diagnostics (pull), ms p50"),
    ("module_10000_pull", "keystroke_ms", "p95", "10k: keystroke → diagnostics (pull), ms p95"),
    (
        "module_10000_push",
        "keystroke_enter_ms",
        "p50",
        "10k: typing with an Enter every 4th key, ms p50",
    ),
    (
        "module_10000_push",
        "keystroke_enter_ms",
        "p95",
        "10k: typing with an Enter every 4th key, ms p95",
    ),
    ("module_10000_push", "hover_ms", "p50", "10k: hover, ms p50"),
    ("module_10000_push", "hover_ms", "p95", "10k: hover, ms p95"),
    ("module_10000_push", "cpu_ms_per_keystroke", "p50", "10k: server CPU per keystroke, ms"),
    ("module_10000_push", "rss_end_mib", "p50", "10k: server RSS, MiB"),
    ("module_2000_push", "keystroke_ms", "p95", "2k-line module: keystroke (push), ms p95"),
    ("module_50000_push", "keystroke_ms", "p95", "50k-line module: keystroke (push), ms p95"),
    ("module_50000_push", "keystroke_enter_ms", "p95", "50k: typing with Enters, ms p95"),
    ("module_50000_push", "cold_ms", "p50", "50k: cold open → diagnostics, ms"),
    ("growth", "", "", "growth of keystroke p95, 50k / 10k lines"),
    (
        "workspace_push",
        "cold_during_scan_ms",
        "p50",
        "workspace model file: cold open during scan, ms",
    ),
    ("workspace_push", "keystroke_during_scan_ms", "p50", "ws: keystroke during the scan, ms p50"),
    ("workspace_push", "keystroke_during_scan_ms", "p95", "ws: keystroke during the scan, ms p95"),
    ("workspace_push", "keystroke_after_scan_ms", "p50", "ws: keystroke after the scan, ms p50"),
    ("workspace_push", "keystroke_after_scan_ms", "p95", "ws: keystroke after the scan, ms p95"),
    ("workspace_push", "cpu_ms_per_keystroke", "p50", "ws: server CPU per keystroke, ms"),
    ("workspace_push", "hover_ms", "p95", "ws: hover, ms p95"),
    ("workspace_push", "scan_s", "p50", "ws: workspace scan (initialized → progress end), s"),
    ("workspace_push", "rss_after_scan_mib", "p50", "ws: server RSS after the scan, MiB"),
    ("workspace_push", "soak_rss_end_mib", "p50", "ws: server RSS after the soak, MiB"),
    ("workspace_push", "soak_rss_max_mib", "p50", "ws: server RSS, max over the soak, MiB"),
]
CLI_ROWS: list[tuple[str, str, str]] = [
    ("wall_s", "p50", "workspace, command line cold: wall, s"),
    ("cpu_s", "p50", "workspace, command line cold: CPU, s"),
    ("lines_per_cpu_s", "", "workspace, command line: lines per CPU-second"),
    ("peak_rss_mib", "p50", "workspace, command line: peak RSS, MiB"),
]


def number(value: float | None) -> str:
    if value is None:
        return "-"
    if abs(value) >= 100:
        return f"{value:,.0f}"
    if abs(value) >= 10:
        return f"{value:.1f}"
    return f"{value:.2f}"


def ratio(mine: float | None, peer: float | None) -> str:
    if not mine or not peer:
        return "-"
    if mine / peer < 0.1:  # a throughput far below the peer's: say "1/N" rather than 0.00x
        return f"1/{peer / mine:,.0f}"
    return f"{mine / peer:,.1f}x" if mine / peer >= 10 else f"{mine / peer:.2f}x"


def stat(
    results: dict[str, Any], scenario: str, server: str, metric: str, which: str
) -> float | None:
    found = results["lsp"].get(scenario, {}).get(server, {}).get("summary", {}).get(metric)
    return None if found is None else found.get(which)


def growth(results: dict[str, Any], server: str) -> float | None:
    big = stat(results, "module_50000_push", server, "keystroke_ms", "p95")
    base = stat(results, "module_10000_push", server, "keystroke_ms", "p95")
    return None if big is None or not base else big / base


def samples(results: dict[str, Any], scenario: str, metric: str) -> int:
    return int(stat(results, scenario, "spmd-lsp", metric, "n") or 0)


def loads(results: dict[str, Any]) -> list[float]:
    def walk(node: Any) -> Iterator[float]:
        if isinstance(node, dict):
            for key, value in node.items():
                if key == "load_before" and isinstance(value, (int, float)):
                    yield float(value)
                else:
                    yield from walk(value)
        elif isinstance(node, list):
            for item in node:
                yield from walk(item)

    return sorted(walk({"lsp": results.get("lsp"), "cli": results.get("cli")}))


def render(results: dict[str, Any]) -> str:
    env = results["environment"]
    workspace = results["workloads"]["workspace"]
    seen = loads(results)
    out = [
        f"Measured {env['date']} with `{env['command']}` (it took "
        f"{env.get('wall_s', 0) / 60:.0f} min; {env['cpus']} CPUs, Python "
        f"{env['python']}; {env['versions']['spmd-lsp']}, pygls {env['versions']['pygls']}, "
        f"{env['versions']['ruff']}).",
        f"Load average (1/5/15 min) at the start {env['loadavg_start']}, at the end "
        f"{env.get('loadavg_end')}; 1-minute load before each run "
        + (
            f"{seen[0]:.2f} to {seen[-1]:.2f} (median {seen[len(seen) // 2]:.2f})."
            if seen
            else "?."
        ),
        f"Workspace: {workspace['files']} files, {workspace['lines']:,} lines, "
        f"{workspace['spmd_files']} import spmd_types; the model file has 1,000 lines.",
        f"Runs per server: {env['plan']['runs']} per module scenario, "
        f"{env['plan']['workspace_runs']} in the workspace ({env['plan']['soak']}-keystroke soak), "
        f"{env['plan']['cli_runs']} on the command line; {env['plan']['edits']} keystrokes and "
        f"{env['plan']['hovers']} hovers per phase. Keystroke samples (spmd-lsp, pooled): "
        f"{samples(results, 'module_10000_push', 'keystroke_ms')} at 10k, "
        f"{samples(results, 'workspace_push', 'keystroke_during_scan_ms')} during the scan.",
        "",
        "| scenario | spmd-lsp | floor (pygls) | ruff | spmd / ruff |",
        "|---|---:|---:|---:|---:|",
    ]
    for scenario, metric, which, label in ROWS:
        if scenario == "growth":
            values = {s: growth(results, s) for s in SERVERS}
            factors = [f"{values[s]:.2f}x" if values[s] is not None else "-" for s in SERVERS]
            out.append(
                f"| {label} | {' | '.join(factors)} | {ratio(values['spmd-lsp'], values['ruff'])} |"
            )
            continue
        values = {s: stat(results, scenario, s, metric, which) for s in SERVERS}
        cells = " | ".join(number(values[s]) for s in SERVERS)
        out.append(f"| {label} | {cells} | {ratio(values['spmd-lsp'], values['ruff'])} |")
    cli = results.get("cli", {})
    for metric, which, label in CLI_ROWS:
        mine = cli.get("spmd-check", {}).get(metric)
        peer = cli.get("ruff", {}).get(metric)
        if which:
            mine = None if mine is None else mine.get(which)
            peer = None if peer is None else peer.get(which)
        out.append(f"| {label} | {number(mine)} | - | {number(peer)} | {ratio(mine, peer)} |")
    errors = [
        f"{scenario}/{server}: {error}"
        for scenario, by_server in results["lsp"].items()
        for server, data in by_server.items()
        for error in data["summary"].get("errors", [])
    ]
    if errors:
        out += ["", "Errors:", *[f"- {e}" for e in errors]]
    return "\n".join(out) + "\n"


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    if len(args) != 1:
        print(__doc__, file=sys.stderr)
        return 2
    results = json.loads(Path(args[0]).read_text(encoding="utf-8"))
    sys.stdout.write(render(results))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
