"""The differential oracle: run one program through the checker and the runtime, compare.

The runtime runs in-process through the conformance judge (``tests/conformance/judge.py``:
fake process group, ``reveal_type`` recorded per line), with a line tracer that
records which lines of the program it executed. A program with an ``if flag:``
runs twice, once per branch (the flag is a runtime constant the checker cannot
fold, so the checker sees one text and both paths). The comparison rules
(docs/fuzzing.md):

1. Every runtime error is found. When a run raises an ``SpmdTypeError`` (or the
   ``ValueError``/``TypeError`` of a bad call) on line L, the checker reports on
   L an error whose code stands for that exception class (``codes.py``'s
   ``runtime_error``), or a *warning* with such a code (a warning says the
   verdict depends on something the checker cannot see).
2. No false errors. A checker error on line M is wrong when some run executed M
   and went past it, and no run raised on M. Lines no run completed (after the
   first error, or never reached) cannot be judged and are ignored.
3. Reveals. Every ``reveal_type`` line the runtime executed is compared, when
   all its runtime types agree (the same on both branches, and on every call of
   a helper): the checker's type must be equal, or Unknown. A line whose types
   differ between paths is path-dependent: the checker must join, and any
   answer is accepted (counted apart). Unknowns are counted, not failures.
4. The checker never crashes (no ``spmd-internal``).

A *library* program (``Program.library``: the body in a library function, a
driver below ``# --- driver ---``) is also checked in its library view: the
checker gets only the text above the marker. Every error the library view
reports says the line fails for every input, so the runtime must raise there
whenever it reaches the line (a line a run executed and went past is a false
alarm; a line no run got past is unjudged), with the code's exception class;
every type it reveals must agree with every runtime type seen there, on the
axes it names (a partial type, ``Reveal.complete`` False, only on those). The
runtime's errors in the library part that the library view finds are counted,
not required.

A runtime exception that is not a verdict of the type system (a shape error,
an autograd complaint, a ``RuntimeError`` from torch or the fake process group)
makes the program *invalid*: it says nothing about the checker, and the test
discards it.
"""

from __future__ import annotations

import ast
import re
import sys
import tempfile
import traceback
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from spmd_check.analysis import Analyzer
from spmd_check.codes import CODES, Severity
from spmd_check.results import ModuleResult

from tests.conformance import judge
from tests.fuzz.grammar import AXES, DRIVER_MARKER, Program

_TMP = Path(tempfile.mkdtemp(prefix="spmd-fuzz-"))
_MISSING_ARGUMENT = "required keyword-only argument"
# ValueErrors of the runtime that are about shapes, not types
_SHAPE_MESSAGE = re.compile(r"divisible|size|shape|dimension|out of bounds", re.IGNORECASE)
# ...except these, which are about the requested transition (a verdict the checker reports)
_TRANSITION_MESSAGE = re.compile(r"cannot change the shard dimension", re.IGNORECASE)


# ---------------------------------------------------------------------------
# the runtime


@dataclass
class RuntimeOutcome:
    flag: bool
    source: str
    verdict: str  # "clean" | "error" | "invalid"
    error_line: int | None = None
    error_classes: tuple[str, ...] = ()
    error_message: str = ""
    reveals: dict[int, list[dict[str, str]]] = field(default_factory=dict)
    executed: set[int] = field(default_factory=set)
    traceback: str = ""
    error_stack: set[int] = field(default_factory=set)  # the file's lines on the error's traceback

    @property
    def error_class(self) -> str:
        return self.error_classes[0] if self.error_classes else ""


def _is_verdict(run: judge.CaseRun) -> bool:
    """Is the runtime's exception a verdict of the type system (not a shape or torch error)?"""
    classes = run.error_classes
    if "SpmdTypeError" in classes:
        return True
    if type(run.error) not in (ValueError, TypeError):
        return False
    frames = traceback.extract_tb(run.error.__traceback__)
    innermost = frames[-1].filename if frames else ""
    if "/spmd_types/" in innermost:
        first = str(run.error).split(".")[0]
        return bool(_TRANSITION_MESSAGE.search(first)) or not _SHAPE_MESSAGE.search(first)
    # a collective called without a required src/dst fails while binding its arguments
    return (
        type(run.error) is TypeError
        and _MISSING_ARGUMENT in str(run.error)
        and "spmd." in (frames[-1].line or "")
    )


def run_runtime(source: str, flag: bool = True, name: str = "program") -> RuntimeOutcome:
    path = (_TMP / f"{name}.py").resolve()
    path.write_text(source)
    fname = str(path)
    executed: set[int] = set()

    def local(frame, event, arg):
        if event == "line":
            executed.add(frame.f_lineno)
        return local

    def tracer(frame, event, arg):
        return local if frame.f_code.co_filename == fname else None

    old = sys.gettrace()
    sys.settrace(tracer)
    try:
        run = judge.run_case(path)
    finally:
        sys.settrace(old)
    outcome = RuntimeOutcome(flag, source, "clean", reveals=run.reveals, executed=executed)
    if run.error is not None:
        outcome.verdict = "error" if _is_verdict(run) and run.error_line is not None else "invalid"
        outcome.error_line = run.error_line
        outcome.error_classes = run.error_classes
        outcome.error_message = (str(run.error).strip().splitlines() or [""])[0]
        outcome.traceback = run.error_traceback
        outcome.error_stack = {
            fs.lineno
            for fs in traceback.extract_tb(run.error.__traceback__)
            if fs.filename == fname and fs.lineno is not None
        }
    return outcome


# ---------------------------------------------------------------------------
# the checker


def run_checker(source: str, name: str = "program") -> ModuleResult:
    return Analyzer().check(str(_TMP / f"{name}.py"), source)


# ---------------------------------------------------------------------------
# the comparison


@dataclass
class Disagreement:
    # missed-error | wrong-class | false-error | reveal-mismatch | checker-crash | checker-unstable,
    # and for the library view: library-false-error | library-wrong-class |
    # library-reveal-mismatch | library-checker-crash
    kind: str
    line: int
    flag: bool  # the variant (branch) that shows it
    detail: str
    label: str  # what the grammar says the line does

    @property
    def signature(self) -> str:
        """Groups findings that are likely one bug: the kind, the operation, the codes/classes."""
        return f"{self.kind}|{self.label}|{self.detail.split(':')[0]}"


@dataclass
class Report:
    program: Program | None
    runs: list[RuntimeOutcome]
    checker: ModuleResult
    disagreements: list[Disagreement] = field(default_factory=list)
    stats: Counter = field(default_factory=Counter)
    library: ModuleResult | None = None  # the library view's result (library programs)

    @property
    def invalid(self) -> bool:
        return any(r.verdict == "invalid" for r in self.runs)

    def explain(self) -> str:
        parts = []
        for d in self.disagreements:
            parts.append(f"[{d.kind}] line {d.line} (flag={d.flag}, {d.label}): {d.detail}")
        for run in self.runs:
            what = (
                "ran clean"
                if run.verdict == "clean"
                else f"{run.verdict}: {run.error_class} at line {run.error_line}: {run.error_message}"
            )
            parts.append(f"runtime (flag={run.flag}): {what}")
        diags = [
            f"  line {d.span.line + 1}: {d.severity.value} {d.code}: {d.message.splitlines()[0]}"
            for d in self.checker.diagnostics
        ]
        parts.append("checker:\n" + ("\n".join(diags) or "  nothing"))
        if self.library is not None:
            lib = [
                f"  line {d.span.line + 1}: {d.severity.value} {d.code}: {d.message.splitlines()[0]}"
                for d in self.library.diagnostics
            ]
            lib += [
                f"  line {r.span.line + 1}: reveals {_shown(r.types, _complete(r))}"
                for r in self.library.reveals
            ]
            parts.append("checker, library view:\n" + ("\n".join(lib) or "  nothing"))
        source = (
            self.runs[-1].source
            if self.disagreements and not self.disagreements[0].flag
            else self.runs[0].source
        )
        numbered = "\n".join(f"{i:3d}  {t}" for i, t in enumerate(source.splitlines(), 1))
        return "\n".join(parts) + "\n--- program ---\n" + numbered


@dataclass
class _Helper:
    lines: range  # the def's body
    calls: set[int]  # lines that call it, outside any def


def _helpers(source: str) -> list[_Helper]:
    """Module-level functions and the lines that call them (from module level, or from
    another function: a library program's helpers are called from its library function)."""
    tree = ast.parse(source)
    defs = {n.name: n for n in tree.body if isinstance(n, ast.FunctionDef)}
    out = {
        name: _Helper(range(node.lineno, (node.end_lineno or node.lineno) + 1), set())
        for name, node in defs.items()
    }
    for node in ast.walk(tree):
        if (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Name)
            and node.func.id in out
            and node.lineno not in out[node.func.id].lines
        ):
            out[node.func.id].calls.add(node.lineno)
    return list(out.values())


def _judgeable(line: int, run: RuntimeOutcome, helpers: list[_Helper]) -> bool:
    """Did the run get past every execution of this line the checker analyses?

    A line in a helper is analysed once per call site: the run must have completed
    every call (an earlier call that passed says nothing of a later one that never ran).
    A helper with one call site runs once (programs have no loops): the lines of it the
    run executed completed, unless they are on the error's traceback.
    """
    if line not in run.executed or (run.verdict == "error" and run.error_line == line):
        return False
    for helper in helpers:
        if line in helper.lines:
            if not helper.calls <= run.executed:
                return False
            if run.verdict == "error":
                if len(helper.calls) == 1:
                    return line not in run.error_stack
                if run.error_line in helper.lines or run.error_line in helper.calls:
                    return False
                if any(run.error_line < c for c in helper.calls):
                    return False
    return True


def _matches(code: str, classes: tuple[str, ...]) -> bool:
    wanted = CODES[code].runtime_error if code in CODES else None
    return wanted is not None and wanted in classes


def compare(program: Program) -> Report:
    """Run a generated program (both branches when it has an ``if flag:``) and compare."""
    texts = {flag: program.source(flag) for flag in program.variants}
    return compare_texts(texts, program.render(True)[1], program, program.driver_line)


def compare_texts(
    texts: dict[bool, str],
    labels: dict[int, str] | None = None,
    program: Program | None = None,
    driver_line: int | None = None,
) -> Report:
    """Compare the checker and the runtime on the variants of one program (flag -> text); with
    ``driver_line`` (the ``# --- driver ---`` line), the library view too."""
    labels = labels or {}
    runs = [run_runtime(text, flag) for flag, text in texts.items()]
    first = next(iter(texts.values()))
    checker = run_checker(first)
    report = Report(program, runs, checker)
    if report.invalid:
        return report
    stats = report.stats
    found = report.disagreements
    helpers = _helpers(first)

    # the checker sees one text: the flag's literal must not change its verdict
    for text in list(texts.values())[1:]:
        other = run_checker(text)
        key = lambda r: (  # noqa: E731
            [(d.span.line, d.code, d.severity) for d in r.diagnostics],
            [(x.span.line, x.types) for x in r.reveals],
        )
        if key(other) != key(checker):
            found.append(
                Disagreement(
                    "checker-unstable",
                    0,
                    False,
                    "the flag's literal changed the checker's verdict",
                    "",
                )
            )

    errors: dict[int, list[str]] = {}
    warnings: dict[int, list[str]] = {}
    for d in checker.diagnostics:
        line = d.span.line + 1
        if d.code == "spmd-internal":
            found.append(
                Disagreement(
                    "checker-crash", line, True, d.message.splitlines()[0], labels.get(line, "")
                )
            )
        elif d.severity is Severity.ERROR:
            errors.setdefault(line, []).append(d.code)
        elif d.severity is Severity.WARNING:
            warnings.setdefault(line, []).append(d.code)

    # 1. every runtime error is found, on its line, with its class
    for run in runs:
        stats[f"runtime-{run.verdict}"] += 1
        if run.verdict != "error":
            continue
        line, classes = run.error_line, run.error_classes
        label = labels.get(line, "")
        if any(_matches(c, classes) for c in errors.get(line, [])):
            stats["errors-found"] += 1
        elif any(_matches(c, classes) for c in warnings.get(line, [])):
            stats["errors-found-as-warning"] += 1
        elif errors.get(line) or warnings.get(line):
            got = ", ".join(errors.get(line, []) + warnings.get(line, []))
            found.append(
                Disagreement(
                    "wrong-class",
                    line,
                    run.flag,
                    f"{run.error_class}: the runtime raised {run.error_class} ({run.error_message}); the checker said {got}",
                    label,
                )
            )
        else:
            found.append(
                Disagreement(
                    "missed-error",
                    line,
                    run.flag,
                    f"{run.error_class}: the runtime raised {run.error_class} ({run.error_message}); the checker said nothing",
                    label,
                )
            )

    # 2. no error on a line that some run went past
    for line, codes in sorted(errors.items()):
        if any(run.verdict == "error" and run.error_line == line for run in runs):
            continue
        passed = [run for run in runs if _judgeable(line, run, helpers)]
        if passed:
            found.append(
                Disagreement(
                    "false-error",
                    line,
                    passed[0].flag,
                    f"{','.join(sorted(codes))}: the checker reported {', '.join(codes)}; the runtime went past this line",
                    labels.get(line, ""),
                )
            )
        else:
            stats["errors-unjudged"] += 1
    for line in warnings:
        if not any(run.verdict == "error" and run.error_line == line for run in runs):
            stats["warnings-on-clean-lines"] += 1

    # 3. reveals
    checker_reveals = {r.span.line + 1: r.types for r in checker.reveals}
    reveal_lines = sorted({line for run in runs for line in run.reveals})
    for line in reveal_lines:
        seen = [t for run in runs for t in run.reveals.get(line, [])]
        distinct = {tuple(sorted(t.items())) for t in seen}
        stats["reveals-executed"] += 1
        if len(distinct) > 1:
            stats["reveals-path-dependent"] += 1
            continue
        if not any(_judgeable(line, run, helpers) for run in runs):
            stats["reveals-unjudged"] += 1
            continue
        want = seen[0]
        if line not in checker_reveals:
            stats["reveals-judged"] += 1
            stats["reveals-missing"] += 1
            stats["reveals-unknown"] += 1
            continue
        got = checker_reveals[line]
        stats["reveals-judged"] += 1
        if got is None:
            stats["reveals-unknown"] += 1
            continue
        stats["reveals-compared"] += 1
        stats["reveals-typed"] += 1
        if got.to_json() != want:
            flag = next(run.flag for run in runs if line in run.reveals)
            decayed = {a: ("V" if t.startswith("S(") else t) for a, t in want.items()}
            why = "runtime keeps S(i)" if decayed == got.to_json() else "types differ"
            found.append(
                Disagreement(
                    "reveal-mismatch",
                    line,
                    flag,
                    f"{why}: checker {got}, runtime {{{', '.join(f'{a}: {t}' for a, t in want.items())}}}",
                    labels.get(line, ""),
                )
            )
    if driver_line is not None:
        _compare_library(report, first, driver_line, labels)
    return report


# ---------------------------------------------------------------------------
# the library view


def _complete(reveal) -> bool:
    # the checker's Reveal.complete (False: known on the listed axes only); absent: complete
    return getattr(reveal, "complete", True)


def _shown(types, complete: bool) -> str:
    if types is None:
        return "Unknown"
    text = str(types)
    return text if complete or text == "{}" else text[:-1] + ", ...}"


def _went_past(line: int, run: RuntimeOutcome) -> bool:
    """Did this run execute the line and complete it? (One call of the library function, no
    loops: an executed line that is not on the error's traceback completed.)"""
    return line in run.executed and line not in run.error_stack


def _compare_library(report: Report, text: str, driver_line: int, labels: dict[int, str]) -> None:
    library_text = "".join(text.splitlines(keepends=True)[: driver_line - 1])
    result = run_checker(library_text)
    report.library = result
    runs, stats, found = report.runs, report.stats, report.disagreements
    stats["library-programs"] += 1
    errors: dict[int, list[str]] = {}
    warnings: dict[int, list[str]] = {}
    for d in result.diagnostics:
        line = d.span.line + 1
        if d.code == "spmd-internal":
            found.append(
                Disagreement(
                    "library-checker-crash",
                    line,
                    True,
                    d.message.splitlines()[0],
                    labels.get(line, ""),
                )
            )
        elif d.severity is Severity.ERROR:
            errors.setdefault(line, []).append(d.code)
        elif d.severity is Severity.WARNING:
            warnings.setdefault(line, []).append(d.code)

    # every error the library view reports is raised by the runtime there (no false alarm)
    for line, codes in sorted(errors.items()):
        stats["library-errors-reported"] += 1
        raised = [run for run in runs if run.verdict == "error" and run.error_line == line]
        if raised:
            if any(_matches(c, run.error_classes) for run in raised for c in codes):
                stats["library-errors-confirmed"] += 1
            else:
                run = raised[0]
                found.append(
                    Disagreement(
                        "library-wrong-class",
                        line,
                        run.flag,
                        f"{','.join(sorted(codes))}: the library view reported {', '.join(codes)}; "
                        f"the runtime raised {run.error_class} ({run.error_message})",
                        labels.get(line, ""),
                    )
                )
            continue
        passed = [run for run in runs if _went_past(line, run)]
        if passed:
            found.append(
                Disagreement(
                    "library-false-error",
                    line,
                    passed[0].flag,
                    f"{','.join(sorted(codes))}: the library view reported {', '.join(codes)} "
                    "(an error for every input); the runtime went past this line",
                    labels.get(line, ""),
                )
            )
        else:
            stats["library-errors-unjudged"] += 1

    # how many of the runtime's errors in the library part the library view finds
    for run in runs:
        if run.verdict != "error" or run.error_line is None or run.error_line >= driver_line:
            continue
        stats["library-runtime-errors"] += 1
        line, classes = run.error_line, run.error_classes
        if any(_matches(c, classes) for c in errors.get(line, [])):
            stats["library-errors-found"] += 1
        elif any(_matches(c, classes) for c in warnings.get(line, [])):
            stats["library-errors-found-as-warning"] += 1

    # every revealed type holds for every runtime type seen there, on the axes it names
    for reveal in result.reveals:
        line = reveal.span.line + 1
        seen = [t for run in runs for t in run.reveals.get(line, [])]
        if reveal.types is None:
            stats["library-reveals-unknown"] += 1
            continue
        if not seen:
            stats["library-reveals-unjudged"] += 1
            continue
        complete = _complete(reveal)
        want = reveal.types.to_json()
        named = {a: t for a, t in want.items() if a in AXES}
        # the library view's joins (paths, axes that may alias) keep the local type of an
        # S(i), V, as DESIGN says; the script view's comparison still wants the S(i)
        seen = [
            {a: "V" if t.startswith("S(") and want.get(a) == "V" else t for a, t in got.items()}
            for got in seen
        ]
        for got in seen:
            if complete and len(named) == len(want):
                ok = got == want
            else:
                ok = all(got.get(a) == t for a, t in named.items())
            if not ok:
                flag = next(run.flag for run in runs if line in run.reveals)
                found.append(
                    Disagreement(
                        "library-reveal-mismatch",
                        line,
                        flag,
                        f"types differ: library view {_shown(reveal.types, complete)}, runtime "
                        f"{{{', '.join(f'{a}: {t}' for a, t in got.items())}}}",
                        labels.get(line, ""),
                    )
                )
                break
        else:
            stats["library-reveals-compared"] += 1
            stats["library-reveals-partial"] += not complete


def main(argv: list[str]) -> int:
    """``python -m tests.fuzz.oracle FILE...``: compare the checker and the runtime on files."""
    status = 0
    for name in argv:
        text = Path(name).read_text()
        lines = text.splitlines()
        driver = lines.index(DRIVER_MARKER) + 1 if DRIVER_MARKER in lines else None
        report = compare_texts({True: text}, driver_line=driver)
        print(f"== {name}: {len(report.disagreements)} disagreement(s)")
        print(report.explain())
        status |= bool(report.disagreements or report.invalid)
    return status


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
