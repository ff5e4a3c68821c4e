"""``spmd-check``: the command-line checker.

Exit status: 0 when no error is reported, 1 when one is (with ``--diff``: when there is
something to fix), 2 on a usage or configuration error (a one-line message, never a
traceback). ``--exit-zero`` turns 1 into 0.
"""

from __future__ import annotations

import argparse
import difflib
import os
import sys
import tempfile
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from . import explain, output, policy
from .analysis import Analyzer
from .api import tune_garbage_collector
from .batch import Batch
from .codes import CODES
from .config import Config, ConfigError, load_file, load_for
from .diskcache import DiskCache, default_directory
from .output import FileReport, Style, Summary, display_path
from .parallel import CheckTask
from .repair import fix_source, fixable
from .results import Diagnostic, ModuleResult
from .version import runtime_mismatch, version_text

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


class UsageError(Exception):
    """A bad command line or configuration: printed as one line, exit status 2."""


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="spmd-check",
        description="Statically check SPMD types of PyTorch code written with spmd_types.",
        epilog="Exit status: 0 no error, 1 errors found (--diff: changes to make), "
        "2 usage or configuration error. Codes: docs/diagnostics.md or --explain CODE.",
    )
    parser.add_argument(
        "paths",
        nargs="*",
        metavar="PATH",
        help="Python files or directories (searched recursively for .py files)",
    )
    parser.add_argument(
        "--output-format",
        "--format",
        dest="format",
        choices=output.FORMATS,
        default="full",
        help="full (default: source line, carets, notes, fix, docs link), concise (one line "
        "each), json, github (workflow annotations), sarif (SARIF 2.1.0)",
    )
    parser.add_argument(
        "--select",
        action="append",
        metavar="CODE[,CODE]",
        help="report only these codes (a code, or a prefix such as spmd-partial)",
    )
    parser.add_argument(
        "--ignore",
        action="append",
        metavar="CODE[,CODE]",
        help="never report these codes (added to [tool.spmd-check] ignore)",
    )
    parser.add_argument(
        "--statistics", action="store_true", help="print the number of diagnostics per code"
    )
    parser.add_argument(
        "--exit-zero", action="store_true", help="exit with 0 even when errors are found"
    )
    fixing = parser.add_mutually_exclusive_group()
    fixing.add_argument(
        "--fix",
        action="store_true",
        help="apply the preferred fix of each error, when re-checking shows it leaves the "
        "code correct, and write the files",
    )
    fixing.add_argument(
        "--diff",
        action="store_true",
        help="print the changes --fix would make as a unified diff, and change nothing",
    )
    parser.add_argument(
        "--explain", metavar="CODE", help="print the explanation of a diagnostic code, and exit"
    )
    parser.add_argument(
        "--config",
        metavar="FILE",
        help="a pyproject.toml to read [tool.spmd-check] from (default: the nearest one)",
    )
    parser.add_argument(
        "--color",
        choices=("auto", "always", "never"),
        default="auto",
        help="colour the full output (default: auto, when writing to a terminal)",
    )
    parser.add_argument(
        "--jobs",
        "-j",
        type=_jobs,
        metavar="N",
        help="check in up to N worker processes (default: one per core, as many as the work "
        "warrants; 1: in this process)",
    )
    parser.add_argument(
        "--cache-dir",
        metavar="DIR",
        help="where results are kept between runs (default: $SPMD_CHECK_CACHE_DIR, else "
        "$XDG_CACHE_HOME/spmd-check, else ~/.cache/spmd-check)",
    )
    parser.add_argument(
        "--no-cache",
        action="store_true",
        help="check every file, and keep no results for the next run",
    )
    parser.add_argument(
        "--version",
        action="store_true",
        help="print the version and the spmd-types release it models, and exit",
    )
    return parser


def _jobs(value: str) -> int:
    try:
        jobs = int(value)
    except ValueError:
        jobs = 0
    if jobs < 1:
        raise argparse.ArgumentTypeError(
            f"expected a number of processes, 1 or more (1: check in this process), found {value!r}"
        )
    return jobs


# ---------------------------------------------------------------------------------------
# codes on the command line


def _codes(values: Sequence[str] | None, option: str) -> frozenset[str]:
    """The codes named by --select/--ignore values (a code, or a prefix ending before a
    '-'); UsageError names the first unknown one."""
    if not values:
        return frozenset()
    found: set[str] = set()
    for value in values:
        for raw in value.split(","):
            name = raw.strip()
            if not name:
                continue
            if name in CODES:
                found.add(name)
                continue
            matched = {c for c in CODES if c.startswith(name + "-")}
            if matched:
                found.update(matched)
                continue
            close = difflib.get_close_matches(name, list(CODES), n=1)
            hint = f" (did you mean {close[0]}?)" if close else ""
            raise UsageError(
                f"{option}: unknown code {name!r}{hint}; the codes are: {', '.join(CODES)}"
            )
    return frozenset(found)


@dataclass(frozen=True)
class Selection:
    select: frozenset[str]
    ignore: frozenset[str]

    def __call__(self, diagnostic: Diagnostic) -> bool:
        if diagnostic.code in self.ignore:
            return False
        return not self.select or diagnostic.code in self.select


# ---------------------------------------------------------------------------------------
# files


def _is_python_file(path: Path) -> bool:
    if path.suffix == ".py":
        return True
    if path.suffix:
        return False
    try:  # a script without an extension: a python shebang
        with path.open("rb") as handle:
            first = handle.readline(200)
    except OSError:
        return False
    return first.startswith(b"#!") and b"python" in first


def _python_files(root: Path, config: Config) -> Iterator[Path]:
    if root.is_file():
        if not _is_python_file(root):
            raise UsageError(
                f"{root}: not a Python file (spmd-check checks .py files and folders of them)"
            )
        yield root
        return
    if not root.is_dir():
        raise UsageError(f"{root}: not a file or a folder")
    for path in sorted(root.rglob("*.py")):
        parts = path.relative_to(root).parts
        if any(p in _SKIP_DIRS or p.startswith(".") for p in parts[:-1]):
            continue
        if not path.is_file() or config.is_excluded(path, root):
            continue
        yield path


def _read(path: Path) -> str:
    return path.read_bytes().decode("utf-8")


def _config_for(path: Path, explicit: Config | None, cache: dict[Path, Config]) -> Config:
    if explicit is not None:
        return explicit
    folder = path.parent if path.is_file() else path
    if folder not in cache:
        cache[folder] = load_for(path)
    return cache[folder]


@dataclass
class Checked:
    """One checked file: what the analyzer found in its text."""

    path: str  # as the analyzer saw it
    source: str | None
    analyzer: Analyzer | None
    result: ModuleResult
    config: Config | None = None  # the analyzer's; None for a file that was not checked


def _collect(args: argparse.Namespace) -> tuple[list[Checked], list[str], int, Batch]:
    """Check every file the paths name (through the on-disk cache, unless --no-cache):
    (checked files, problems, number of files, the batch that checked them)."""
    explicit = load_file(Path(args.config)) if args.config is not None else None
    problems: list[str] = []
    configs: dict[Path, Config] = {}
    seen: set[str] = set()
    files: list[tuple[Path, Config]] = []
    for raw in args.paths:
        root = Path(raw)
        if not root.exists():
            raise UsageError(f"{raw}: no such file or directory")
        root_config = _config_for(root, explicit, configs)
        for path in _python_files(root, root_config):
            key = str(path.resolve())
            if key in seen:
                continue
            seen.add(key)
            files.append((path, _config_for(path, explicit, configs)))
    tasks: list[CheckTask] = []
    for path, config in files:
        try:
            source = _read(path)
        except OSError as error:
            problems.append(f"{path}: cannot read the file ({error.strerror}); skipped")
            continue
        except UnicodeDecodeError as error:
            problems.append(f"{path}: not valid UTF-8 (byte {error.start}); skipped")
            continue
        tasks.append(CheckTask(str(path), source, config))
    cache = None if args.no_cache else DiskCache(_cache_directory(args))
    batch = Batch(cache, args.jobs)
    results = batch.run(tasks)
    if cache is not None and cache.problem is not None:
        print(f"spmd-check: warning: {cache.problem}", file=sys.stderr)
    checked = [
        Checked(task.path, task.source, batch.analyzer(task.config), result, task.config)
        for task, result in zip(tasks, results, strict=True)
    ]
    return checked, problems, len(files), batch


def _cache_directory(args: argparse.Namespace) -> Path:
    if args.cache_dir is not None:
        return Path(args.cache_dir).expanduser()
    return default_directory()


def _merge_elsewhere(checked: list[Checked]) -> list[Checked]:
    """Errors found inside another file's functions belong to that file: add them to its
    result (once, however many callers found them), making a result for a file not checked."""
    by_path = {str(Path(c.path).resolve()): c for c in checked}
    merged = list(checked)
    for item in checked:
        for path, found in item.result.elsewhere.items():
            key = str(Path(path).resolve())
            target = by_path.get(key)
            if target is None:
                try:
                    source: str | None = _read(Path(path))
                except (OSError, UnicodeDecodeError):
                    source = None
                target = Checked(display_path(path), source, None, ModuleResult(path))
                by_path[key] = target
                merged.append(target)
            # the checker suppressed them already by that file's comments: merging dedupes
            target.result.diagnostics = policy.merge(target.result.diagnostics, found, lines=())
    return merged


# ---------------------------------------------------------------------------------------
# fixes


def _verified(item: Checked, diagnostics: list[Diagnostic], batch: Batch) -> list[Diagnostic]:
    """The diagnostics with only the fixes that re-checking shows leave the code correct."""
    if not any(d.fixes for d in diagnostics):
        return diagnostics
    if item.config is None or item.source is None:
        return [replace(d, fixes=()) for d in diagnostics]
    task = CheckTask(item.path, item.source, item.config)
    return batch.verified(task, item.result, diagnostics)


@dataclass
class _FileFix:
    item: Checked
    original: str
    text: str
    fixed: list[dict[str, Any]]


def _fix(checked: list[Checked], keep: Callable[[Diagnostic], bool]) -> list[_FileFix]:
    changes: list[_FileFix] = []
    for item in checked:
        if item.analyzer is None or item.source is None:
            continue
        if not any(fixable(d) and keep(d) for d in item.result.diagnostics):
            continue
        done = fix_source(item.analyzer, item.path, item.source, select=keep)
        if not done.changed:
            continue
        path = display_path(item.path)
        changes.append(
            _FileFix(
                item,
                item.source,
                done.text,
                [
                    {
                        "path": path,
                        "line": a.diagnostic.span.line + 1,
                        "column": a.diagnostic.span.column + 1,
                        "code": a.diagnostic.code,
                        "fix": a.fix.fix.title,
                        "extended": a.fix.extended,
                    }
                    for a in done.applied
                ],
            )
        )
        if done.result is not None:
            item.result = done.result
            item.source = done.text
    return changes


def _write_atomically(path: Path, text: str) -> None:
    data = text.encode("utf-8")
    mode = path.stat().st_mode & 0o7777
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
        os.chmod(temporary, mode)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def _unified_diff(path: str, old: str, new: str) -> str:
    def keep_ends(text: str) -> list[str]:
        lines = [m for m in policy.LINE_BREAK.split(text)]
        breaks = [m.group(0) for m in policy.LINE_BREAK.finditer(text)]
        out = [line + brk for line, brk in zip(lines, breaks, strict=False)]
        if lines[-1]:
            out.append(lines[-1] + "\n")  # no newline at the end of the file
        return out

    name = display_path(path)
    return "".join(
        difflib.unified_diff(keep_ends(old), keep_ends(new), f"a/{name}", f"b/{name}")
    ).rstrip("\n")


# ---------------------------------------------------------------------------------------
# main


def _run(args: argparse.Namespace) -> int:
    stdout = sys.stdout
    selection = Selection(_codes(args.select, "--select"), _codes(args.ignore, "--ignore"))
    try:
        checked, problems, files, batch = _collect(args)
    except ConfigError as error:
        raise UsageError(str(error)) from None
    checked = _merge_elsewhere(checked)
    for item in checked:
        item.result.diagnostics = [d for d in item.result.diagnostics if selection(d)]

    fixes: list[_FileFix] = []
    if args.fix or args.diff:
        fixes = _fix(checked, selection)
    for problem in problems:
        print(f"spmd-check: {problem}", file=sys.stderr)

    if args.diff:
        for change in fixes:
            output.write(_unified_diff(change.item.path, change.original, change.text), stdout)
        count = sum(len(c.fixed) for c in fixes)
        if count:
            print(
                f"Would fix {output.plural(count, 'error')} in "
                f"{output.plural(len(fixes), 'file')} (run with --fix to apply).",
                file=sys.stderr,
            )
        else:
            print("No fixes available.", file=sys.stderr)
        return 0 if args.exit_zero or not count else 1

    if args.fix:
        for change in fixes:
            _write_atomically(Path(change.item.path), change.text)
            # what is left of the fixed file: its check after the last fix, as selected
            change.item.result.diagnostics = [
                d for d in change.item.result.diagnostics if selection(d)
            ]

    shows_fixes = args.format in ("full", "json", "sarif") and not args.statistics
    reports: list[FileReport] = []
    for item in checked:
        diagnostics = item.result.diagnostics
        if shows_fixes or args.statistics:
            diagnostics = _verified(item, diagnostics, batch)
        reports.append(
            FileReport(
                display_path(item.path) if item.analyzer is not None else item.path,
                item.source,
                diagnostics,
                list(item.result.reveals),
            )
        )
    summary = Summary.of(reports, files)
    fixed = [f for c in fixes for f in c.fixed]
    summary.fixed = len(fixed)

    if args.statistics:
        rows = output.statistics(reports)
        output.write(output.render_statistics(rows, args.format), stdout)
    elif args.format == "json":
        output.write(output.render_json(reports, summary, fixed), stdout)
    elif args.format == "sarif":
        output.write(output.render_sarif(reports, problems), stdout)
    elif args.format == "github":
        output.write(output.render_github(reports), stdout)
    elif args.format == "concise":
        output.write(output.render_concise(reports), stdout)
    else:
        style = Style.for_stream(args.color, stdout)
        if args.fix:
            for f in fixed:
                output.write(
                    f"{style.severity('help', 'fixed')} {f['path']}:{f['line']}:{f['column']}: "
                    f"{f['code']}: {f['fix']}",
                    stdout,
                )
        body = output.render_full(reports, style)
        if body:
            output.write(body + "\n", stdout)
    if args.format in ("full", "concise") and not args.statistics:
        output.write(summary.text(fixing=args.fix), stdout)
    elif args.format in ("full", "concise") and args.fix:
        output.write(summary.text(fixing=True), stdout)
    if args.exit_zero:
        return 0
    if summary.errors:
        return 1
    return 2 if problems and not checked else 0


def main(argv: Sequence[str] | None = None) -> int:
    try:
        return _main(argv)
    except BrokenPipeError:  # `spmd-check ... | head`: the reader has what it wanted
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return 1


def _main(argv: Sequence[str] | None) -> int:
    tune_garbage_collector()
    parser = _parser()
    args = parser.parse_args(argv)
    mismatch = runtime_mismatch()
    if mismatch is not None:
        print(f"spmd-check: warning: {mismatch}", file=sys.stderr)
    if args.version:
        print(version_text())
        return 0
    if args.explain is not None:
        if args.explain not in CODES:
            close = difflib.get_close_matches(args.explain, list(CODES), n=1)
            hint = f" (did you mean {close[0]}?)" if close else ""
            print(
                f"spmd-check: --explain: unknown code {args.explain!r}{hint}; the codes are: "
                f"{', '.join(CODES)}",
                file=sys.stderr,
            )
            return 2
        print(explain.render(args.explain))
        return 0
    if not args.paths:
        parser.print_usage(sys.stderr)
        print("spmd-check: error: give at least one PATH to check", file=sys.stderr)
        return 2
    try:
        return _run(args)
    except UsageError as error:
        print(f"spmd-check: {error}", file=sys.stderr)
        return 2
    except ConfigError as error:
        print(f"spmd-check: {error}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    raise SystemExit(main())
