"""Quick fixes spelled the way the module writes its code.

A fix wraps an operand in a call of spmd_types; the call uses the module's own names:
its alias for spmd_types, or the bare names it imports when it imports every one the call
needs, else ``spmd_types.`` with an ``import spmd_types`` added (after the docstring and
``__future__`` imports); the axis as a variable holding it, else its name quoted the way
the file quotes most.
"""

from __future__ import annotations

import ast
from collections.abc import Mapping, Sequence
from typing import NamedTuple

from . import collectives as coll
from .frontend import Unit
from .lattice import AxisType
from .names import TYPE_NAMES, canonical
from .results import Fix, Span, TextEdit
from .rules import FixCandidate, RuleViolation
from .state import Frame
from .values import AxisVal, RefVal, TypeVal, Value


class SpmdSpelling(NamedTuple):
    """How a fix names one spmd_types function and the types it needs."""

    function_prefix: str  # "spmd." or "" (imported bare)
    type_prefix: str
    import_edit: TextEdit | None  # the import to add when the module has none


class Spelling:
    def __init__(self, units: Sequence[Unit], module_globals: Mapping[str, Value]) -> None:
        self.units = units
        self.globals = module_globals  # the module's names, as its code binds them

    def spmd(self, function: str, types: tuple[str, ...] = ("R", "I", "P")) -> SpmdSpelling:
        """How this module names spmd_types' ``function`` and the ``types`` it needs."""
        module_alias = next(
            (
                n
                for n, v in self.globals.items()
                if isinstance(v, RefVal) and v.qualname == "spmd_types"
            ),
            None,
        )
        bound = self.globals.get(function)
        bare_function = (
            isinstance(bound, RefVal) and canonical(bound.qualname) == f"spmd.{function}"
        )
        bare_types = all(
            isinstance(self.globals.get(t), TypeVal)
            and self.globals[t] == TypeVal(TYPE_NAMES[f"spmd.{t}"])
            for t in types
        )
        if module_alias is None and not (bare_function and bare_types):
            line = self.import_line()
            types_prefix = "" if bare_types else "spmd_types."
            return SpmdSpelling(
                "spmd_types.",
                types_prefix,
                TextEdit(Span(line, 0, line, 0), "import spmd_types\n"),
            )
        function_prefix = "" if bare_function else f"{module_alias}."
        type_prefix = "" if bare_types else f"{module_alias}."
        return SpmdSpelling(function_prefix, type_prefix, None)

    def import_line(self) -> int:
        """Where an added import goes: after the module docstring and ``__future__`` imports."""
        line = 0
        for unit in self.units:
            if unit.tree is None or not unit.tree.body:
                break
            first = unit.tree.body[0]
            is_docstring = (
                line == 0
                and isinstance(first, ast.Expr)
                and isinstance(first.value, ast.Constant)
                and isinstance(first.value.value, str)
            )
            if not (
                is_docstring or (isinstance(first, ast.ImportFrom) and first.module == "__future__")
            ):
                break
            line = unit.span(first).end_line + 1
        return line

    def axis(self, axis: str, frame: Frame) -> str:
        """The axis as the user writes it: a variable holding it, else its name as a string
        in the quotes the file uses most."""
        for env in (frame.env, self.globals):
            for name, value in env.items():
                if isinstance(value, AxisVal) and value.name == axis and name.isidentifier():
                    return name
        double = sum(u.text.count('"') for u in self.units)
        single = sum(u.text.count("'") for u in self.units)
        return f'"{axis}"' if double >= single else f"'{axis}'"

    def fixes(
        self, candidates: tuple[FixCandidate, ...], nodes: list[ast.AST | None], frame: Frame
    ) -> list[Fix]:
        """The runtime's suggestions for a rejected op, as edits wrapping the operand; the
        first is preferred."""
        fixes: list[Fix] = []
        for k, candidate in enumerate(candidates):
            node = nodes[candidate.operand] if candidate.operand < len(nodes) else None
            if node is None:
                continue
            text = frame.unit.source_of(node)
            prefix, type_prefix, import_edit = self.spmd(
                candidate.function, (str(candidate.from_type), str(candidate.to_type))
            )
            call = candidate.call_text(text, self.axis(candidate.axis, frame), prefix, type_prefix)
            edits = [TextEdit(frame.unit.span(node), call)]
            if import_edit is not None:
                edits.insert(0, import_edit)
            title = f"{call} on the {candidate.from_type.kind.full_name} operand ({candidate.consequence})"
            fixes.append(Fix(title, tuple(edits), preferred=k == 0))
        return fixes

    def src_fix(
        self,
        function: str,
        actual: AxisType | None,
        dst: AxisType,
        expert_mode: bool | None,
        src_node: ast.expr | None,
        frame: Frame,
    ) -> tuple[Fix, ...]:
        """For a src that does not match the operand: say the operand's type instead, when
        the call then is one the function accepts (not for a transition that needs another
        call). The type is spelled like the src it replaces (``spmd.V`` or ``V``)."""
        if actual is None or src_node is None:
            return ()
        try:
            coll.validate_arguments(function, actual.local, dst, expert_mode)
        except RuleViolation:
            return ()
        text = frame.unit.source_of(src_node)
        spelled = (text.rsplit(".", 1)[0] + "." if "." in text else "") + str(actual.local)
        return (
            Fix(
                f"Change src to {actual.local}: the operand's type here (then {function} goes "
                f"{actual.local} -> {dst}: {coll.forward_text(function, actual.local, dst)} forward, "
                f"{coll.backward_text(function, actual.local, dst)} backward)",
                (TextEdit(frame.unit.span(src_node), spelled),),
                preferred=True,
            ),
        )

    def reinterpret_loss(self, loss_node: ast.AST, axis: str, frame: Frame) -> tuple[Fix, ...]:
        """The runtime's advice for a Varying loss, as an edit: reinterpret it as Partial."""
        prefix, type_prefix, import_edit = self.spmd("reinterpret", ("V", "P"))
        text = frame.unit.source_of(loss_node)
        if not isinstance(loss_node, (ast.Name, ast.Attribute, ast.Call, ast.Subscript)):
            text = f"({text})"
        call = f"{prefix}reinterpret({text}, {self.axis(axis, frame)}, src={type_prefix}V, dst={type_prefix}P)"
        edits = [TextEdit(frame.unit.span(loss_node), call)]
        if import_edit is not None:
            edits.insert(0, import_edit)
        return (
            Fix(
                f"{call}: differentiate the pending sum of the loss over {axis} (no-op forward, no-op backward)",
                tuple(edits),
                preferred=True,
            ),
        )
