"""``spmd-check``: the command-line checker.

Exit status: 0 when no error is reported, 1 when one is, 2 on a usage or
configuration error (a one-line message, never a traceback).
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Iterator, Sequence
from pathlib import Path

from . import __version__, policy
from .analysis import Analyzer
from .codes import Severity
from .config import Config, ConfigError, load_file, load_for
from .results import Diagnostic, ModuleResult, Reveal

_SKIP_DIRS = frozenset(
    {
        ".git",
        ".hg",
        ".venv",
        "venv",
        "node_modules",
        "__pycache__",
        ".mypy_cache",
        ".ruff_cache",
        ".tox",
        "build",
        "dist",
    }
)


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="spmd-check",
        description="Statically check SPMD types of PyTorch code written with spmd_types.",
    )
    parser.add_argument(
        "paths",
        nargs="+",
        metavar="PATH",
        help="files or directories (searched recursively for .py files)",
    )
    parser.add_argument(
        "--format",
        choices=("text", "json", "github"),
        default="text",
        help="output format (default: text)",
    )
    parser.add_argument(
        "--config",
        metavar="FILE",
        help="a pyproject.toml to read [tool.spmd-check] from (default: the nearest one)",
    )
    parser.add_argument("--version", action="version", version=f"spmd-check {__version__}")
    return parser


def _python_files(root: Path, config: Config) -> Iterator[Path]:
    if root.is_file():
        yield root
        return
    for path in sorted(root.rglob("*.py")):
        parts = path.relative_to(root).parts
        if any(p in _SKIP_DIRS or p.startswith(".") for p in parts[:-1]):
            continue
        if config.is_excluded(path, root):
            continue
        yield path


def _read(path: Path) -> str:
    data = path.read_bytes()
    return data.decode("utf-8")


def _text_line(path: str, d: Diagnostic) -> str:
    first = d.message.splitlines()[0] if d.message else ""
    return f"{path}:{d.span.line + 1}:{d.span.column + 1}: {d.severity.value} {d.code} {first}"


def _github_line(path: str, d: Diagnostic) -> str:
    level = {"error": "error", "warning": "warning"}.get(d.severity.value, "notice")
    message = d.message.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
    return (
        f"::{level} file={path},line={d.span.line + 1},col={d.span.column + 1},"
        f"endLine={d.span.end_line + 1},endColumn={d.span.end_column + 1},title={d.code}::{message}"
    )


def _reveal_line(path: str, r: Reveal) -> str:
    types = "Unknown" if r.types is None else str(r.types)
    gradient = "Unknown" if r.gradient is None else str(r.gradient)
    return f"{path}:{r.span.line + 1}:{r.span.column + 1}: note reveal_type {r.expression}: {types} (gradient {gradient})"


def _json_document(results: list[ModuleResult]) -> dict[str, object]:
    diagnostics = []
    reveals = []
    for result in results:
        for d in result.diagnostics:
            diagnostics.append(
                {
                    "path": result.path,
                    "line": d.span.line + 1,
                    "column": d.span.column + 1,
                    "end_line": d.span.end_line + 1,
                    "end_column": d.span.end_column + 1,
                    "severity": d.severity.value,
                    "code": d.code,
                    "message": d.message,
                }
            )
        for r in result.reveals:
            reveals.append(
                {
                    "path": result.path,
                    "line": r.span.line + 1,
                    "column": r.span.column + 1,
                    "expression": r.expression,
                    "types": None if r.types is None else r.types.to_json(),
                    "gradient": None if r.gradient is None else r.gradient.to_json(),
                }
            )
    return {"version": 1, "diagnostics": diagnostics, "reveals": reveals}


def _merge_elsewhere(results: list[ModuleResult]) -> list[ModuleResult]:
    """Errors found inside another file's functions belong to that file: add them to its
    result (once, however many callers found them), making a result for a file not checked."""
    by_path = {str(Path(r.path).resolve()): r for r in results}
    merged = list(results)
    for result in results:
        for path, found in result.elsewhere.items():
            target = by_path.get(str(Path(path).resolve()))
            if target is None:
                target = ModuleResult(_display_path(path))
                by_path[str(Path(path).resolve())] = target
                merged.append(target)
            # the checker suppressed them already by that file's comments: merging dedupes
            target.diagnostics = policy.merge(target.diagnostics, found, lines=())
    return merged


def _display_path(path: str) -> str:
    try:
        return str(Path(path).resolve().relative_to(Path.cwd()))
    except ValueError:
        return path


def _config_for(path: Path, explicit: Config | None, cache: dict[Path, Config]) -> Config:
    if explicit is not None:
        return explicit
    folder = path.parent if path.is_file() else path
    if folder not in cache:
        cache[folder] = load_for(path)
    return cache[folder]


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    explicit: Config | None = None
    try:
        if args.config is not None:
            explicit = load_file(Path(args.config))
    except ConfigError as error:
        print(f"spmd-check: {error}", file=sys.stderr)
        return 2
    results: list[ModuleResult] = []
    problems: list[str] = []
    analyzers: dict[Config, Analyzer] = {}
    configs: dict[Path, Config] = {}
    for raw in args.paths:
        root = Path(raw)
        if not root.exists():
            print(f"spmd-check: {raw}: no such file or directory", file=sys.stderr)
            return 2
        try:
            root_config = _config_for(root, explicit, configs)
        except ConfigError as error:
            print(f"spmd-check: {error}", file=sys.stderr)
            return 2
        for path in _python_files(root, root_config):
            try:
                config = _config_for(path, explicit, configs)
            except ConfigError as error:
                print(f"spmd-check: {error}", file=sys.stderr)
                return 2
            try:
                source = _read(path)
            except OSError as error:
                problems.append(f"{path}: cannot read the file ({error.strerror}); skipped")
                continue
            except UnicodeDecodeError as error:
                problems.append(f"{path}: not valid UTF-8 (byte {error.start}); skipped")
                continue
            analyzer = analyzers.setdefault(config, Analyzer(config))
            results.append(analyzer.check(str(path), source))
    results = _merge_elsewhere(results)
    for problem in problems:
        print(f"spmd-check: {problem}", file=sys.stderr)
    errors = sum(1 for r in results for d in r.diagnostics if d.severity is Severity.ERROR)
    if args.format == "json":
        print(json.dumps(_json_document(results), indent=2))
    else:
        for result in results:
            for d in result.diagnostics:
                print(
                    _github_line(result.path, d)
                    if args.format == "github"
                    else _text_line(result.path, d)
                )
            if args.format == "text":
                for r in result.reveals:
                    print(_reveal_line(result.path, r))
        if args.format == "text":
            checked = len(results)
            print(
                f"Checked {checked} file{'s' if checked != 1 else ''}: {errors} error{'s' if errors != 1 else ''}.",
                file=sys.stderr,
            )
    return 1 if errors else (2 if problems and not results else 0)


if __name__ == "__main__":
    raise SystemExit(main())
