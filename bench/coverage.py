"""How much of a program the checker types: runtime op sites against the checker's facts.

    python bench/coverage.py [PACKAGE_DIR] [--module tp_transformer.train]

Runs the package's entry point under the reference runtime with its trace
(``spmd_types.trace()``), which logs every tensor op with its user-code line
and output type. An op site (file, line, output type) counts as *typed* when
the checker has a fact on that line with exactly that type, *unknown* when it
has none, and *different* when every fact it has there differs (expected 0:
that would be a wrong type). Needs torch and spmd-types (the test extra).
"""

from __future__ import annotations

import argparse
import importlib
import logging
import os
import re
import sys
import time
from collections import Counter
from pathlib import Path

from spmd_check.analysis import Analyzer
from spmd_check.lattice import LocalType, parse_local_type

_RECORD = re.compile(r"^(?P<file>.+?):(?P<line>\d+)\s+(?P<op>\S+)\((?P<args>.*)\) -> (?P<out>.*)$")


class _Collect(logging.Handler):
    """Keeps each trace record with the innermost line of the package on the stack (the
    trace's own location is unreliable in 0.3.1: it names runtime.py)."""

    def __init__(self, package_dir: Path) -> None:
        super().__init__()
        self.package_dir = str(package_dir.resolve())
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        frame = sys._getframe()
        while frame is not None and not frame.f_code.co_filename.startswith(self.package_dir):
            frame = frame.f_back  # type: ignore[assignment]
        if frame is None:
            return
        message = record.getMessage().split("  ", 1)[-1]
        self.lines.append(f"{frame.f_code.co_filename}:{frame.f_lineno}  {message}")


def runtime_sites(package_dir: Path, module: str) -> Counter[tuple[str, int, str]]:
    # the checker module copies the flag at import: it must be set before spmd_types loads
    os.environ["SPMD_TYPES_TRACE"] = "1"
    import torch.distributed as dist
    from spmd_types.runtime import trace

    handler = _Collect(package_dir)
    logger = logging.getLogger("spmd_types.runtime.trace")
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)
    sys.path.insert(0, str(package_dir.parent))
    try:
        if not dist.is_initialized():
            dist.init_process_group("fake", rank=0, world_size=8)
        with trace():
            importlib.import_module(module).main()
    finally:
        logger.removeHandler(handler)
    sites: Counter[tuple[str, int, str]] = Counter()
    for message in handler.lines:
        match = _RECORD.match(message)
        if match is None or match["out"] in ("None", "{}"):
            continue
        out = re.sub(r"mesh_(\w+)", r"\1", match["out"])
        path = Path(match["file"]).resolve()
        if package_dir.resolve() not in path.parents:
            continue
        sites[(str(path), int(match["line"]), out)] += 1
    return sites


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "package",
        nargs="?",
        default=str(Path(__file__).resolve().parents[1] / "examples" / "tp_transformer"),
    )
    parser.add_argument("--module", default="tp_transformer.train")
    args = parser.parse_args()
    package = Path(args.package).resolve()
    sites = runtime_sites(package, args.module)
    analyzer = Analyzer()
    facts: dict[tuple[str, int], list[LocalType | None]] = {}
    for path in sorted(package.glob("*.py")):  # a first pass records how each file calls the others
        analyzer.check(str(path), path.read_text())
    for path in sorted(package.glob("*.py")):
        result = analyzer.check(str(path), path.read_text())
        for fact in result.facts:
            facts.setdefault((str(path), fact.span.line + 1), []).append(fact.types)
    typed = unknown = different = 0
    for (path, line, out), _count in sorted(sites.items()):
        want = parse_local_type(out)
        here = [t for t in facts.get((path, line), []) if t is not None]
        if any(t.local == want for t in here):
            typed += 1
        elif here:
            different += 1
            print(
                f"  other types on that line: {Path(path).name}:{line} runtime {out}, checker {[str(t) for t in here]}"
            )
        else:
            unknown += 1
            print(f"  unknown:   {Path(path).name}:{line} runtime {out}")
    total = typed + unknown + different
    print(
        f"op sites the runtime executed: {total}; typed by the checker: {typed} ({100 * typed / max(total, 1):.0f}%), "
        f"unknown: {unknown}, only other types on that line: {different}"
    )
    # the cost of re-checking the package after an edit in its most imported module
    most_imported = max(
        package.glob("*.py"),
        key=lambda p: sum(
            f".{p.stem} import" in q.read_text() or f"import {p.stem}" in q.read_text()
            for q in package.glob("*.py")
        ),
    )
    times = []
    for k in range(5):
        text = most_imported.read_text() + f"\n# edit {k}\n"
        analyzer.workspace.set_document(str(most_imported), text)
        start = time.perf_counter()
        analyzer.check(str(most_imported), text)
        for dependent in sorted(analyzer.dependents(str(most_imported))):
            analyzer.check(dependent, Path(dependent).read_text())
        times.append(time.perf_counter() - start)
    times.sort()
    print(
        f"re-check after an edit in {most_imported.name} (itself and its {len(analyzer.dependents(str(most_imported)))} dependents): "
        f"median {times[len(times) // 2] * 1000:.0f} ms"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
