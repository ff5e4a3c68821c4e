"""How much of a program the checker types, and whether it types it right: runtime op sites
against the checker's hover facts.

    python bench/coverage.py                       # the example package, whole program
    python bench/coverage.py --library             # its library files alone, without the driver
    python bench/coverage.py --cases tests/cases/library   # each library case, library part alone

The reference runtime's trace (``spmd_types.trace()``) logs every tensor op with its line and
output type while the program runs. An op site (file, line, output type) is

- *complete*: the checker has a fact on that line with exactly that type;
- *partial*: the checker knows the type on some axes (or that every other mesh axis is R),
  and they agree with the runtime's (a library's types depend on its caller on the others);
- *unknown*: the checker knows nothing of any value on that line;
- *disagreeing*: every value the checker types on that line contradicts the runtime: a wrong
  type (expected 0). (Sites are matched by line: an op whose result the checker types on a
  line where the runtime logs another op's output is no disagreement when another value
  there is unknown to the checker.)

Library view: each library file (or the part of a case above ``# --- driver ---``) is checked
alone, by a fresh checker, without the code that calls it; the runtime runs the whole
program. Axes the checker names after a process group (``tp_group``) are matched with the one
runtime axis the fact does not name, when there is one. Needs torch and spmd-types (the test
extra).
"""

from __future__ import annotations

import argparse
import importlib
import itertools
import logging
import os
import re
import sys
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

# the runtime copies the flag when it is imported: set it before anything imports spmd_types
os.environ["SPMD_TYPES_TRACE"] = "1"

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from spmd_check.analysis import Analyzer  # noqa: E402
from spmd_check.lattice import LocalType, parse_local_type  # noqa: E402
from spmd_check.results import TypeFact  # noqa: E402

_RECORD = re.compile(r"^(?P<file>.+?):(?P<line>\d+)\s+(?P<op>\S+)\((?P<args>.*)\) -> (?P<out>.*)$")
MARKER = "# --- driver ---"
_NAME = re.compile(r"^[A-Za-z_][\w.]*$")


class _Collect(logging.Handler):
    """Keeps each trace record with the innermost frame of the watched files on the stack
    (the trace's own location names the runtime's module)."""

    def __init__(self, watched: set[str]) -> None:
        super().__init__()
        self.watched = watched
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        frame = sys._getframe()
        while frame is not None and frame.f_code.co_filename not in self.watched:
            frame = frame.f_back  # type: ignore[assignment]
        if frame is None:
            return
        message = record.getMessage().split("  ", 1)[-1]
        self.lines.append(f"{frame.f_code.co_filename}:{frame.f_lineno}  {message}")


Site = tuple[str, int, str]  # file, line, the runtime's output type


def _sites(lines: list[str]) -> Counter[Site]:
    sites: Counter[Site] = Counter()
    sources: dict[str, list[str]] = {}
    for message in lines:
        match = _RECORD.match(message)
        if match is None or match["out"] in ("None", "{}"):
            continue
        if match["op"] == "assert_type":
            # an assertion the code does not write (local_map checking its arguments at the
            # call): no op of that line
            text = sources.setdefault(match["file"], Path(match["file"]).read_text().splitlines())
            line = int(match["line"])
            if line > len(text) or "assert_type" not in text[line - 1]:
                continue
        out = re.sub(r"mesh_(\w+)", r"\1", match["out"])
        sites[(str(Path(match["file"]).resolve()), int(match["line"]), out)] += 1
    return sites


def _traced(watched: set[str], run: object) -> Counter[Site]:
    from spmd_types.runtime import trace

    handler = _Collect(watched)
    logger = logging.getLogger("spmd_types.runtime.trace")
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)
    try:
        with trace():
            run()  # type: ignore[operator]
    except Exception:
        pass
    finally:
        logger.removeHandler(handler)
    return _sites(handler.lines)


def package_sites(package: Path, module: str) -> Counter[Site]:
    import torch.distributed as dist

    watched = {str(p.resolve()) for p in package.glob("*.py")}
    sys.path.insert(0, str(package.parent))
    if not dist.is_initialized():
        dist.init_process_group("fake", rank=0, world_size=8)
    return _traced(watched, lambda: importlib.import_module(module).main())


def case_sites(path: Path) -> Counter[Site]:
    from tests.conformance.judge import run_case

    return _traced({str(path.resolve())}, lambda: run_case(path))


@dataclass
class Tally:
    complete: int = 0
    partial: int = 0
    unknown: int = 0
    disagreeing: list[str] = field(default_factory=list)

    @property
    def sites(self) -> int:
        return self.complete + self.partial + self.unknown + len(self.disagreeing)

    def add(self, other: Tally) -> None:
        self.complete += other.complete
        self.partial += other.partial
        self.unknown += other.unknown
        self.disagreeing.extend(other.disagreeing)

    def report(self, what: str) -> str:
        total = max(self.sites, 1)
        typed = self.complete + self.partial
        return (
            f"{what}: {self.sites} op sites the runtime executed; typed by the checker "
            f"{typed} ({100 * typed / total:.0f}%: {self.complete} complete, {self.partial} "
            f"partial), unknown {self.unknown}, disagreeing {len(self.disagreeing)}"
        )


def _agrees(fact: TypeFact, want: LocalType) -> bool | None:
    """Whether what a fact knows agrees with the runtime's type (None: it knows nothing). An
    axis the checker names after a process group (``tp_group``) stands for one of the
    runtime's axes the fact does not name: it agrees when some such pairing does."""
    known = dict(fact.types if fact.types is not None else fact.known or {})
    if not known and fact.fill is None:
        return None
    listed = set(fact.listed)  # named by the fact, known or not: the fill is not theirs
    labels = [a for a in known if a not in want]
    unnamed = [a for a in want if a not in known]
    if len(labels) > len(unnamed):
        return False
    for chosen in itertools.permutations(unnamed, len(labels)):
        named = {a: t for a, t in known.items() if a in want}
        named.update({axis: known[label] for label, axis in zip(labels, chosen, strict=True)})
        if any(want[a].local != t.local for a, t in named.items()):
            continue
        rest = [t for a, t in want.items() if a not in named]
        if fact.types is not None and rest:
            continue  # a complete type names every axis
        unlisted = [
            t for a, t in want.items() if a not in named and a not in listed and len(labels) == 0
        ]
        if fact.fill is not None and any(t.local != fact.fill.local for t in unlisted):
            continue
        return True
    return False


def compare(sites: Counter[Site], facts: dict[tuple[str, int], list[TypeFact]]) -> Tally:
    tally = Tally()
    for (path, line, out), _count in sorted(sites.items()):
        want = parse_local_type(out)
        if want is None:
            continue
        # the values ops give on the line (a name or attribute read there is no op site)
        here = [f for f in facts.get((path, line), []) if not _NAME.match(f.expression)]
        verdicts = [_agrees(f, want) for f in here]
        if any(v is True and f.types is not None for v, f in zip(verdicts, here, strict=True)):
            tally.complete += 1
        elif True in verdicts:
            tally.partial += 1
        elif verdicts and all(v is False for v in verdicts):
            shown = [str(f.types) if f.types is not None else (f.shown or "") for f in here]
            tally.disagreeing.append(f"{Path(path).name}:{line} runtime {out}, checker {shown}")
        else:
            tally.unknown += 1
            if os.environ.get("COVERAGE_SHOW_UNKNOWN"):
                print(f"unknown: {Path(path).name}:{line} runtime {out}", [f.shown for f in here])
    return tally


def _facts(path: Path, text: str) -> dict[tuple[str, int], list[TypeFact]]:
    facts: dict[tuple[str, int], list[TypeFact]] = {}
    for fact in Analyzer().check(str(path), text).facts:
        facts.setdefault((str(path.resolve()), fact.span.line + 1), []).append(fact)
    return facts


def measure_package(package: Path, module: str, driver: str | None) -> Tally:
    """The package's op sites; ``driver``: the module left out (library view)."""
    sites = package_sites(package, module)
    analyzer = Analyzer()
    files = [p for p in sorted(package.glob("*.py")) if p.name != driver]
    facts: dict[tuple[str, int], list[TypeFact]] = {}
    if driver is None:
        for path in files:  # a first pass records how each file calls the others
            analyzer.check(str(path), path.read_text())
    for path in files:
        if driver is None:
            result = analyzer.check(str(path), path.read_text())
            for fact in result.facts:
                facts.setdefault((str(path.resolve()), fact.span.line + 1), []).append(fact)
        else:
            facts.update(_facts(path, path.read_text()))
    kept = Counter({s: n for s, n in sites.items() if Path(s[0]).name != driver})
    return compare(kept, facts)


def measure_cases(folder: Path) -> Tally:
    """Each library case: the runtime runs the whole file, the checker its library part."""
    total = Tally()
    for path in sorted(folder.rglob("*.py")):
        text = path.read_text()
        if MARKER not in text:
            continue
        library = text.split(MARKER, 1)[0]
        end = library.count("\n") + 1
        sites = Counter({s: n for s, n in case_sites(path).items() if s[1] <= end})
        total.add(compare(sites, _facts(path, library)))
    return total


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("package", nargs="?", default=str(ROOT / "examples" / "tp_transformer"))
    parser.add_argument("--module", default="tp_transformer.train")
    parser.add_argument(
        "--library",
        nargs="?",
        const="train.py",
        metavar="DRIVER",
        help="check the package's files alone, without DRIVER (default train.py)",
    )
    parser.add_argument("--cases", metavar="FOLDER", help="measure library-view cases instead")
    parser.add_argument("-v", "--verbose", action="store_true", help="list disagreeing sites")
    args = parser.parse_args()
    if args.cases:
        tally = measure_cases(Path(args.cases))
        what = f"library cases under {args.cases}"
    else:
        package = Path(args.package).resolve()
        tally = measure_package(package, args.module, args.library)
        what = f"{package.name} ({'library view' if args.library else 'whole program'})"
    for line in tally.disagreeing if args.verbose else tally.disagreeing[:20]:
        print(f"  disagreeing: {line}")
    print(tally.report(what))
    if not args.cases and not args.library:
        _edit_cost(Path(args.package).resolve())
    return 0


def _edit_cost(package: Path) -> None:
    """The cost of re-checking the package after an edit in its most imported module."""
    analyzer = Analyzer()
    files = sorted(package.glob("*.py"))
    for path in files:
        analyzer.check(str(path), path.read_text())
    most_imported = max(
        files,
        key=lambda p: sum(
            f".{p.stem} import" in q.read_text() or f"import {p.stem}" in q.read_text()
            for q in files
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
        f"re-check after an edit in {most_imported.name} (itself and its "
        f"{len(analyzer.dependents(str(most_imported)))} dependents): "
        f"median {times[len(times) // 2] * 1000:.0f} ms"
    )


if __name__ == "__main__":
    raise SystemExit(main())
