"""Every benchmark in one command: spmd-lsp and spmd-check next to ruff and the floor.

    python bench/run.py            # the full matrix (about 20 minutes on a quiet 2-core box)
    python bench/run.py --quick    # a smoke test of the whole thing (a few minutes)

Run it with the Python of the venv that has the project and bench/requirements.txt
installed. It generates its workloads into bench/scratch/gen/ (git-ignored): modules
of 2,000, 10,000 and 50,000 lines, each alone in a folder, and a workspace of
100,000 lines (20,000 with --quick). Then, one scenario after the other and never two
at once, it runs each server with fresh processes, alternating the servers run by
run so that a change of load hits all alike; then spmd-check and ``ruff check`` on the
workspace. It prints one Markdown table (``report.py``) and writes the raw JSON and the
table to bench/scratch/results/DATE/.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime
import json
import os
import platform
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

if __package__ in (None, ""):  # run as a script: make ``bench`` importable
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench import gen_module, gen_workspace, report, tools
from bench.lsp import harness, scenarios

BENCH = Path(__file__).resolve().parent
SCRATCH = BENCH / "scratch"


@dataclass(frozen=True)
class Plan:
    runs: int  # fresh server processes per server and module scenario
    edits: int
    hovers: int
    workspace_lines: int
    workspace_runs: int
    soak: int
    cli_runs: int


FULL = Plan(
    runs=3, edits=30, hovers=30, workspace_lines=100_000, workspace_runs=2, soak=300, cli_runs=3
)
QUICK = Plan(
    runs=1, edits=10, hovers=10, workspace_lines=20_000, workspace_runs=1, soak=20, cli_runs=1
)
MODULE_SIZES = (2_000, 10_000, 50_000)


@dataclass(frozen=True)
class Scenario:
    key: str
    file: Path
    workspace: Path | None
    pull: bool


def servers() -> dict[str, list[str]]:
    return {
        "spmd-lsp": [tools.find("spmd-lsp"), "--stdio"],
        "floor": [sys.executable, str(BENCH / "lsp" / "floor_server.py")],
        "ruff": [tools.find("ruff"), "server"],
    }


def log(message: str) -> None:
    stamp = datetime.datetime.now().strftime("%H:%M:%S")
    print(f"[{stamp} load {os.getloadavg()[0]:.2f}] {message}", file=sys.stderr, flush=True)


def generate(plan: Plan) -> tuple[dict[int, Path], Path, dict[str, Any]]:
    """The workloads, regenerated every time (deterministic, a few seconds)."""
    folder = SCRATCH / "gen"
    modules = {}
    for lines in MODULE_SIZES:
        home = folder / f"module_{lines}"
        home.mkdir(parents=True, exist_ok=True)
        # the same linter settings as the workspace's, for ruff
        (home / "pyproject.toml").write_text(gen_workspace.PYPROJECT, encoding="utf-8")
        modules[lines] = home / f"tp_{lines}.py"
        modules[lines].write_text(gen_module.generate(lines), encoding="utf-8")
    root = folder / f"workspace_{plan.workspace_lines}"
    summary = gen_workspace.generate(root, plan.workspace_lines)
    summary.pop("line_counts")
    log(
        f"generated modules {', '.join(map(str, MODULE_SIZES))} and {root} ({summary['lines']:,} lines)"
    )
    return modules, root, summary


def scenarios_for(modules: dict[int, Path], root: Path) -> list[Scenario]:
    model = root / gen_workspace.MODEL_FILE
    return [
        Scenario("module_10000_push", modules[10_000], None, False),
        Scenario("module_10000_pull", modules[10_000], None, True),
        Scenario("module_2000_push", modules[2_000], None, False),
        Scenario("module_50000_push", modules[50_000], None, False),
        Scenario("workspace_push", model, root, False),
    ]


async def run_scenario(
    scenario: Scenario, commands: dict[str, list[str]], plan: Plan, logs: Path
) -> dict[str, Any]:
    workspace = scenario.workspace is not None
    runs = plan.workspace_runs if workspace else plan.runs
    settings = scenarios.Settings(
        edits=plan.edits, hovers=plan.hovers, soak=plan.soak if workspace else 0
    )
    collected: dict[str, list[dict[str, Any]]] = {name: [] for name in commands}
    for run in range(runs):
        for name, command in commands.items():
            log(f"{scenario.key}: {name}, run {run + 1} of {runs}")
            load = os.getloadavg()[0]
            path = logs / f"{scenario.key}.{name}.run{run}.stderr.log"
            # an empty on-disk cache of its own per run (inherited by the server): every open
            # is cold, and nothing is written to the user's cache
            os.environ["SPMD_CHECK_CACHE_DIR"] = str(logs / f"{scenario.key}.{name}.run{run}.cache")
            try:
                if scenario.workspace is None:
                    one = await scenarios.module_run(
                        command, scenario.file, scenario.pull, settings, path
                    )
                else:
                    one = await scenarios.workspace_run(
                        command, scenario.workspace, scenario.file, scenario.pull, settings, path
                    )
            except OSError as error:  # the server could not be started
                one = {"error": f"{type(error).__name__}: {error}"}
            one["load_before"] = load
            if "error" in one:
                log(f"  error: {one['error']}")
            collected[name].append(one)
    return {
        name: {"command": commands[name], "summary": harness.summarise(runs), "runs": runs}
        for name, runs in collected.items()
    }


def command_line(root: Path, runs: int, output: Path) -> dict[str, Any]:
    """check_workspace.py in a process of its own: a child's peak RSS starts at its
    parent's, and this process holds the workloads and the results by now."""
    script = str(BENCH / "check_workspace.py")
    subprocess.run(
        [sys.executable, script, str(root), "--runs", str(runs), "-o", str(output)], check=True
    )
    result: dict[str, Any] = json.loads(output.read_text(encoding="utf-8"))
    return result


def relative(node: Any, prefix: str) -> Any:
    """The results with paths inside the repository made relative to it: the JSON says
    nothing about the machine's folders, and results from two clones compare."""
    if isinstance(node, str):
        return node.replace(prefix, "")
    if isinstance(node, list):
        return [relative(item, prefix) for item in node]
    if isinstance(node, dict):
        return {key: relative(value, prefix) for key, value in node.items()}
    return node


def environment(plan: Plan, quick: bool) -> dict[str, Any]:
    return {
        "date": datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "command": "python bench/run.py" + (" --quick" if quick else ""),
        "plan": vars(plan),
        "cpus": os.cpu_count(),
        "python": platform.python_version(),
        "versions": {
            "spmd-lsp": tools.version([tools.find("spmd-lsp"), "--version"]),
            "ruff": tools.version([tools.find("ruff"), "--version"]),
            "pygls": _package_version("pygls"),
        },
        "loadavg_start": [round(x, 2) for x in os.getloadavg()],
    }


def _package_version(name: str) -> str:
    from importlib import metadata

    try:
        return metadata.version(name)
    except metadata.PackageNotFoundError:
        return "?"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--quick", action="store_true", help="fewer runs, a smaller workspace")
    parser.add_argument("--out", type=Path, help="default: bench/scratch/results/DATE")
    args = parser.parse_args(argv)
    plan = QUICK if args.quick else FULL
    started = time.perf_counter()
    stamp = datetime.datetime.now().strftime("%Y-%m-%d_%H%M%S")
    out = args.out or SCRATCH / "results" / (stamp + ("-quick" if args.quick else ""))
    logs = out / "logs"
    logs.mkdir(parents=True, exist_ok=True)
    commands = servers()
    results: dict[str, Any] = {"environment": environment(plan, args.quick), "lsp": {}}
    modules, root, summary = generate(plan)
    results["workloads"] = {
        "modules": {str(n): str(p) for n, p in modules.items()},
        "workspace": summary,
    }
    for scenario in scenarios_for(modules, root):
        results["lsp"][scenario.key] = asyncio.run(run_scenario(scenario, commands, plan, logs))
    log(f"spmd-check and ruff check on {root}, {plan.cli_runs} runs each")
    results["cli"] = command_line(root, plan.cli_runs, out / "cli.json")
    results = relative(results, str(BENCH.parent) + os.sep)
    results["environment"]["loadavg_end"] = [round(x, 2) for x in os.getloadavg()]
    results["environment"]["wall_s"] = round(time.perf_counter() - started, 1)
    (out / "results.json").write_text(json.dumps(results, indent=1) + "\n", encoding="utf-8")
    table = report.render(results)
    (out / "table.md").write_text(table, encoding="utf-8")
    print(table)
    log(f"raw results: {out / 'results.json'}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
