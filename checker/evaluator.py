"""The interface between the interpreter and what it delegates to: call handlers
(``spmd_api``, ``python_api``) and op application (``ops``).

They program against ``Evaluator``, never against the interpreter itself, so a reader
follows a call from the handler table to its handler without going back and forth
between the walker and the handlers. A handler gets one ``CallContext`` per call.
"""

from __future__ import annotations

import ast
from collections.abc import Callable, Mapping, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass
from typing import Protocol

from .config import Config
from .meshes import Algebra
from .results import Related, Span
from .rules import RuleViolation
from .sink import ResultSink
from .spelling import Spelling
from .state import Frame, State
from .values import UNKNOWN, FunctionVal, Value

UNROLL_LIMIT = 8  # literal sequences up to this length are run element by element
# a comprehension over literal sequences is enumerated up to this many elements (membership
# tests over a table of types)
COLLECTION_LIMIT = 64

# an op's arguments: each value with the expression it came from (None: not in the source)
OpArgs = Sequence[tuple[Value, ast.AST | None]]
OpKwargs = Mapping[str, tuple[Value, ast.AST | None]]


class Evaluator(Protocol):
    """What the interpreter (``infer.Interpreter``) offers to handlers and ops."""

    @property
    def state(self) -> State:
        """The runtime's dynamic state where the code runs now."""
        ...

    @property
    def sink(self) -> ResultSink:
        """Where diagnostics, reveals and facts are recorded."""
        ...

    @property
    def spelling(self) -> Spelling:
        """How fixes name spmd_types and axes in this module."""
        ...

    @property
    def config(self) -> Config: ...

    @property
    def algebra(self) -> Algebra:
        """The rank layouts of the literal meshes this check has seen (``meshes.py``)."""
        ...

    def is_running(self, function: FunctionVal) -> bool:
        """Whether the function is on the call stack (the code runs inside it)."""
        ...

    def wrote(self, owner: object) -> None:
        """A handler is about to change an object or a function in place (a hook
        attached, a flag set): a call that changed what its caller sees is not shared
        (``sharing.py``), and what it held is put back when the analysis or the check ends
        (``sharing.WriteLog``). Called before the change."""
        ...

    @property
    def numbers(self) -> set[str]:
        """Roots of values the caller supplies that the code uses as numbers."""
        ...

    def axis(self, value: Value, node: ast.AST | None, frame: Frame) -> Value:
        """An axis argument as an ``AxisVal`` (UNKNOWN when it is not one); a name is
        resolved against the current mesh (no current mesh, or no such axis in it, is
        reported at ``node``)."""
        ...

    def declare(self, value: Value) -> None:
        """The code stated this value's type (``assert_type``, ``mutate_type``): an object
        built holding it keeps it when a method runs on the object on its own (see
        ``entry.receiver``)."""
        ...

    def mutate(self, target: ast.AST, value: Value, frame: Frame) -> None:
        """The object the expression ``target`` names changed in place (its SPMD type was
        set or changed): rebind it, and carry the change back to the caller's argument."""
        ...

    def op(self, name: str, args: OpArgs, kwargs: OpKwargs, node: ast.AST, frame: Frame) -> Value:
        """Apply the op table's rule for ``name`` (``torch.add``, ``Tensor.__mul__``)."""
        ...

    def binary(
        self,
        name: str,
        left: Value,
        right: Value,
        left_node: ast.AST,
        right_node: ast.AST,
        node: ast.AST,
        frame: Frame,
    ) -> Value:
        """A binary operator (``add``, ``lt``) on values of any kind."""
        ...

    def invoke(
        self,
        function: FunctionVal,
        args: list[Value],
        kwargs: dict[str, Value],
        call_site: Related | None,
    ) -> Value:
        """Run a function of the workspace with these arguments (memoised)."""
        ...

    @property
    def last_raised(self) -> bool:
        """Whether the last ``invoke`` raises on every path (the caller's path stops)."""
        ...

    @property
    def last_effects(self) -> dict[str, Value]:
        """What the last ``invoke`` changed in place, by parameter name."""
        ...

    def running_in(self, state: State) -> AbstractContextManager[None]:
        """Run what the block runs in that state (an autograd hook runs with the mode
        popped; a local_map body in local SPMD)."""
        ...

    def violation(
        self,
        violation: RuleViolation,
        frame: Frame,
        node: ast.AST,
        operand_nodes: list[ast.AST | None] | None = None,
        operand_values: list[Value] | None = None,
        certain: bool | None = None,
    ) -> None:
        """Report a rule's rejection at the blamed operand (else ``node``), with where the
        operand got its type, the call site, and the runtime's fixes. ``certain`` False
        makes it a warning."""
        ...


@dataclass(frozen=True)
class CallContext:
    """One call of a name a handler knows (``spmd.all_reduce(x, "tp", src=P, dst=R)``)."""

    evaluator: Evaluator
    name: str  # the callee's canonical name: one handler may serve several (its aliases)
    node: ast.Call
    args: Sequence[Value]  # the positional arguments' values, one per ``node.args``
    kwargs: Mapping[str, Value]
    kw_nodes: Mapping[str, ast.expr]
    frame: Frame

    def arg(self, index: int, *keywords: str, default: Value = UNKNOWN) -> Value:
        """The argument at ``index``, else the first of ``keywords`` given, else ``default``."""
        if index < len(self.args):
            return self.args[index]
        for keyword in keywords:
            if keyword in self.kwargs:
                return self.kwargs[keyword]
        return default

    def arg_node(self, index: int, *keywords: str) -> ast.expr | None:
        """The expression of the argument ``arg`` returns (None: not given)."""
        if index < len(self.node.args):
            return self.node.args[index]
        for keyword in keywords:
            if keyword in self.kw_nodes:
                return self.kw_nodes[keyword]
        return None

    @property
    def span(self) -> Span:
        return self.frame.unit.span(self.node)


Handler = Callable[[CallContext], Value]
