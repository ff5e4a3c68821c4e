"""A scripted stand-in for ``spmd_check.analysis.Analyzer``: tiny, deterministic semantics.

The protocol tests run the real server process over this analyzer (via
``SPMD_LSP_ANALYZER=fake_analyzer:FakeAnalyzer``) so that they test the
protocol layer, not the checker. It understands just enough:

* ``spmd.assert_type(x, {"tp": P, ...})`` gives ``x`` that type (its origin);
  an axis outside ``Config.mesh_axes`` is ``spmd-unknown-axis``.
* ``y = torch.relu(x)`` (relu, gelu, tanh, exp) with ``x`` Partial on an axis
  is ``spmd-partial-nonlinear`` on ``x``, with two fixes (all_reduce to R,
  preferred; all_reduce to I) and related information at ``x``'s origin.
* ``spmd.all_reduce(x, "tp", src=P, dst=R)`` retypes that axis (a collective fact).
* ``a + b`` with different axis sets is ``spmd-missing-axis`` in strict mode only.
* any other assignment copies its first known operand's type.
* a syntax error blanks the offending line (one ``spmd-syntax``) and the rest is analysed.
* ``# spmd: ignore[code]`` drops that code on its line.
* a source containing ``OFFER_A_BAD_FIX`` gets a third fix that changes nothing (the
  server's verification must leave it out).
* a source containing ``CRASH_THE_CHECKER`` raises (the server must survive it).
* a source containing ``WAIT_FOR_CANCEL`` is checked until ``cancelled`` returns True (then
  ``Cancelled`` is raised), however long that takes: a check that is surely in flight.

It implements ``spmd_check.api.Checker``, as the real ``Analyzer`` does (the assignment to
``FACTORY`` below has mypy check that).

Positions are code points, as the real checker's are.
"""

from __future__ import annotations

import ast
import re
import time
from collections.abc import Callable

from spmd_check.api import CacheStats, CheckerFactory
from spmd_check.codes import Severity
from spmd_check.config import Config, Mode
from spmd_check.lattice import AxisType, Kind, LocalType
from spmd_check.results import (
    AxisTransition,
    CollectiveFact,
    Diagnostic,
    Fix,
    ModuleResult,
    Origin,
    Related,
    Span,
    TextEdit,
    TypeFact,
)
from spmd_check.workspace import Workspace

NONLINEAR = {"relu", "gelu", "tanh", "exp"}
KINDS = {"R": Kind.R, "I": Kind.I, "V": Kind.V, "P": Kind.P}
IGNORE = re.compile(r"#\s*spmd:\s*ignore\[([^\]]*)\]")


WAIT_LIMIT = 60.0  # seconds a WAIT_FOR_CANCEL check waits for its cancellation at most


class Cancelled(Exception):
    """The check stopped because ``cancelled`` returned True."""


class FakeAnalyzer:
    def __init__(self, config: Config, workspace: Workspace, parse_cache_entries: int) -> None:
        self.config = config
        self.workspace = workspace
        self.checked: set[str] = set()  # paths checked (or being checked)

    def check(
        self, path: str, source: str, *, cancelled: Callable[[], bool] | None = None
    ) -> ModuleResult:
        self.checked.add(path)
        if "WAIT_FOR_CANCEL" in source:
            deadline = time.monotonic() + WAIT_LIMIT
            while cancelled is None or not cancelled():
                if time.monotonic() > deadline:
                    raise RuntimeError("WAIT_FOR_CANCEL: never cancelled")
                time.sleep(0.005)
        if cancelled is not None and cancelled():
            raise Cancelled()
        if "CRASH_THE_CHECKER" in source:
            raise RuntimeError("the fake checker was asked to crash")
        return _Run(self.config, path, source).run()

    def dependents(self, path: str) -> set[str]:
        return set()  # the fake resolves no imports

    def forget(self, path: str) -> None:
        return None

    def cache_stats(self) -> CacheStats:
        return CacheStats(parsed=0, modules=len(self.checked), journals=0)

    def prepare(self, path: str, stop: Callable[[], bool]) -> None:
        return None

    def release(self) -> None:
        return None


FACTORY: CheckerFactory = FakeAnalyzer


class _Run:
    def __init__(self, config: Config, path: str, source: str) -> None:
        self.config = config
        self.result = ModuleResult(path)
        self.lines = re.split(r"\r\n|\r|\n", source)
        self.env: dict[str, tuple[LocalType, Origin | None, bool | None]] = {}

    # positions ---------------------------------------------------------------
    def col(self, line: int, byte_col: int) -> int:
        text = self.lines[line - 1] if 0 < line <= len(self.lines) else ""
        return len(text.encode("utf-8")[:byte_col].decode("utf-8", errors="replace"))

    def span(self, node: ast.AST) -> Span:
        line, end_line = node.lineno, node.end_lineno or node.lineno  # type: ignore[attr-defined]
        return Span(
            line - 1,
            self.col(line, node.col_offset),  # type: ignore[attr-defined]
            end_line - 1,
            self.col(end_line, node.end_col_offset or 0),  # type: ignore[attr-defined]
        )

    def text(self, node: ast.AST) -> str:
        return ast.unparse(node)

    # driver ------------------------------------------------------------------
    def run(self) -> ModuleResult:
        lines = list(self.lines)
        syntax: Diagnostic | None = None
        for _ in range(20):
            try:
                tree = ast.parse("\n".join(lines))
                break
            except SyntaxError as error:
                bad = (error.lineno or 1) - 1
                if syntax is None:
                    column = max((error.offset or 1) - 1, 0)
                    line_text = lines[bad] if bad < len(lines) else ""
                    syntax = Diagnostic(
                        Span(bad, min(column, len(line_text)), bad, len(line_text)),
                        "spmd-syntax",
                        f"invalid syntax: {error.msg}",
                        Severity.ERROR,
                    )
                if bad >= len(lines):
                    tree = ast.parse("")
                    break
                indent = lines[bad][: len(lines[bad]) - len(lines[bad].lstrip())]
                lines[bad] = f"{indent}pass" if lines[bad].strip() else ""
        else:
            tree = ast.parse("")
        if syntax is not None:
            self.result.diagnostics.append(syntax)
        for statement in self.statements(tree.body):
            self.statement(statement)
        self.apply_ignores()
        return self.result

    def statements(self, body: list[ast.stmt]) -> list[ast.Assign | ast.Expr | ast.AnnAssign]:
        out: list[ast.Assign | ast.Expr | ast.AnnAssign] = []
        for statement in body:
            if isinstance(statement, ast.With | ast.If | ast.For | ast.While):
                out.extend(self.statements(statement.body))
            elif isinstance(statement, ast.Assign | ast.Expr | ast.AnnAssign):
                out.append(statement)
        return out

    def apply_ignores(self) -> None:
        kept = []
        for diagnostic in self.result.diagnostics:
            line = (
                self.lines[diagnostic.span.line] if diagnostic.span.line < len(self.lines) else ""
            )
            match = IGNORE.search(line)
            codes = {c.strip() for c in match.group(1).split(",")} if match else set()
            if diagnostic.code not in codes and diagnostic.code not in self.config.ignore:
                kept.append(diagnostic)
        self.result.diagnostics = kept

    # statements --------------------------------------------------------------
    def statement(self, statement: ast.Assign | ast.Expr | ast.AnnAssign) -> None:
        value = statement.value
        if value is None:
            return
        if isinstance(value, ast.Call) and self.callee(value) == "assert_type":
            self.assert_type(value)
            return
        types, origin = self.expression(value)
        targets = (
            statement.targets
            if isinstance(statement, ast.Assign)
            else ([statement.target] if isinstance(statement, ast.AnnAssign) else [])
        )
        for target in targets:
            if isinstance(target, ast.Name) and types is not None:
                origin = origin or Origin(self.span(value), "the value assigned here")
                self.env[target.id] = (types, origin, None)
                self.fact(target, target.id, is_target=True)

    def assert_type(self, call: ast.Call) -> None:
        if (
            len(call.args) < 2
            or not isinstance(call.args[0], ast.Name)
            or not isinstance(call.args[1], ast.Dict)
        ):
            return
        items: dict[str, AxisType] = {}
        for key, value in zip(call.args[1].keys, call.args[1].values, strict=False):
            if (
                isinstance(key, ast.Constant)
                and isinstance(key.value, str)
                and isinstance(value, ast.Name)
                and value.id in KINDS
            ):
                items[key.value] = AxisType(KINDS[value.id])
                if self.config.mesh_axes is not None and key.value not in self.config.mesh_axes:
                    self.result.diagnostics.append(
                        Diagnostic(
                            self.span(key),
                            "spmd-unknown-axis",
                            f"axis {key.value!r} is not an axis of the mesh {list(self.config.mesh_axes)}",
                            Severity.ERROR,
                        )
                    )
        name = call.args[0].id
        self.env[name] = (LocalType(items), Origin(self.span(call), "`assert_type(...)`"), True)
        self.fact(call.args[0], name)

    # expressions -------------------------------------------------------------
    def callee(self, call: ast.Call) -> str | None:
        func = call.func
        if isinstance(func, ast.Attribute):
            return func.attr
        if isinstance(func, ast.Name):
            return func.id
        return None

    def fact(self, node: ast.AST, name: str, is_target: bool = False) -> None:
        types, origin, grad = self.env[name]
        self.result.facts.append(
            TypeFact(self.span(node), name, types, grad, origin, is_target=is_target)
        )

    def expression(self, node: ast.expr) -> tuple[LocalType | None, Origin | None]:
        if isinstance(node, ast.Name):
            if node.id in self.env:
                self.fact(node, node.id)
                types, origin, _ = self.env[node.id]
                return types, origin
            return None, None
        if isinstance(node, ast.Call):
            name = self.callee(node)
            if name == "all_reduce":
                return self.all_reduce(node)
            arg_types = [self.expression(a) for a in node.args]
            if name in NONLINEAR and node.args:
                operand, origin = arg_types[0]
                if operand is not None and any(t.kind is Kind.P for t in operand.values()):
                    self.partial_nonlinear(node.args[0], name, operand, origin)
                    return LocalType(
                        {
                            a: (AxisType(Kind.R) if t.kind is Kind.P else t)
                            for a, t in operand.items()
                        }
                    ), None
                return operand, None
            known = [t for t in arg_types if t[0] is not None]
            return known[0] if known else (None, None)
        if isinstance(node, ast.BinOp):
            left, right = self.expression(node.left), self.expression(node.right)
            if left[0] is not None and right[0] is not None and set(left[0]) != set(right[0]):
                if self.config.mode is Mode.STRICT:
                    self.result.diagnostics.append(
                        Diagnostic(
                            self.span(node),
                            "spmd-missing-axis",
                            "operands are typed on different mesh axes",
                            Severity.ERROR,
                        )
                    )
                return None, None
            return left if left[0] is not None else right
        return None, None

    def all_reduce(self, call: ast.Call) -> tuple[LocalType | None, Origin | None]:
        if len(call.args) < 2:
            return None, None
        types, _ = self.expression(call.args[0])
        axis = call.args[1].value if isinstance(call.args[1], ast.Constant) else None
        keywords = {k.arg: k.value for k in call.keywords}
        src = keywords.get("src")
        dst = keywords.get("dst")
        src_t = (
            AxisType(KINDS[src.id])
            if isinstance(src, ast.Name) and src.id in KINDS
            else AxisType(Kind.P)
        )
        dst_t = (
            AxisType(KINDS[dst.id])
            if isinstance(dst, ast.Name) and dst.id in KINDS
            else AxisType(Kind.R)
        )
        self.result.collectives.append(
            CollectiveFact(
                self.span(call.func),
                "all_reduce",
                (
                    AxisTransition(
                        str(axis), src_t, dst_t, "sum across the axis", "all-reduce of the gradient"
                    ),
                ),
            )
        )
        if types is None or not isinstance(axis, str):
            return None, None
        return types.with_axis(axis, dst_t), Origin(self.span(call), f"all_reduce on {axis}")

    def partial_nonlinear(
        self, operand: ast.expr, op: str, types: LocalType, origin: Origin | None
    ) -> None:
        axis = next(a for a, t in types.items() if t.kind is Kind.P)
        text = self.text(operand)
        span = self.span(operand)
        fixes: tuple[Fix, ...] = (
            Fix(
                f'all_reduce({text}, "{axis}", src=P, dst=R): all-reduce in forward, all-reduce in backward',
                (TextEdit(span, f'spmd.all_reduce({text}, "{axis}", src=P, dst=R)'),),
                preferred=True,
            ),
            Fix(
                f'all_reduce({text}, "{axis}", src=P, dst=I): all-reduce in forward, no-op backward',
                (TextEdit(span, f'spmd.all_reduce({text}, "{axis}", src=P, dst=I)'),),
            ),
        )
        if any("OFFER_A_BAD_FIX" in line for line in self.lines):
            # an edit that changes nothing: the re-check still reports the error
            fixes = (*fixes, Fix("a fix that fixes nothing", (TextEdit(span, text),)))
        related = (Related(origin.span, f"{text} is Partial on {axis} here"),) if origin else ()
        self.result.diagnostics.append(
            Diagnostic(
                span,
                "spmd-partial-nonlinear",
                f"Partial value {text} (axis {axis}) flows into the non-linear op {op}",
                Severity.ERROR,
                related,
                fixes,
            )
        )
