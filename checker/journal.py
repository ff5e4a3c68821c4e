"""The cache of standalone function analyses: what one depends on, and what it recorded.

A standalone analysis (a function analysed with unknown parameters) is a pure function of
the function's text and position, the checker's state, and the values of the module-level
names it reads, recursively; ``CacheKeys`` computes that. Its ``Journal`` is everything it
recorded, replayed when the key is unchanged (DESIGN.md, "Incrementality").
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from .results import FactEntry, Span
from .values import (
    BoundMethodVal,
    ClassVal,
    FunctionIdentity,
    FunctionVal,
    InstanceVal,
    ModuleVal,
    TensorSeqVal,
    TensorVal,
    TupleVal,
    Value,
)

if TYPE_CHECKING:
    from .state import State


@dataclass
class Journal:
    """What one standalone analysis recorded, to replay when its inputs are unchanged."""

    entries: list[tuple[str, Any, Any]] = field(default_factory=list)
    facts: dict[Span, FactEntry] = field(default_factory=dict)
    # the functions it ran in context (a replay covers them: they are not analysed again on
    # their own, as the check that recorded it did not)
    covered: frozenset[FunctionIdentity] = frozenset()


class CacheKeys:
    """The cache keys of one check's standalone analyses: what each depends on is the
    function's text and position, the state a standalone analysis starts in, and the values
    (recursively, the texts) of the module-level names it reads. Signatures are memoised for
    the check (a module's functions read each other)."""

    def __init__(
        self,
        path: str,
        state: State,
        module_globals: Mapping[str, Value],
        algebra: Callable[[], Any] = tuple,
        quiet: bool = False,
    ) -> None:
        # a quiet module's analyses record no diagnostics: not the same analyses
        self.path = (path, "quiet") if quiet else path
        self.state = state
        self.globals = module_globals
        # the layouts of the meshes the module built (an analysis may relate axis names)
        self.algebra = algebra
        self.signatures: dict[int, Any] = {}  # by id of a function or class, for this check

    def key(self, function: FunctionVal) -> Any:
        """The key of a function's standalone analysis; None: not cacheable."""
        if function.closure is not None:
            return None
        signature = self.function_signature(function, set())
        if signature is None:
            return None
        return (self.path, self.state, signature, self.algebra())

    def function_signature(self, function: FunctionVal, visiting: set[int]) -> Any:
        if id(function) in self.signatures:
            return self.signatures[id(function)]
        # register_no_typecheck(fn) is a call elsewhere in the module: part of the key
        own = (
            function.unit.key,
            function.unit.start_line,
            function.qualname,
            function.no_typecheck_frame,
        )
        if id(function) in visiting:
            return own
        visiting.add(id(function))
        parts: list[Any] = [own]
        if function.owner is not None:
            owner = self.value_signature(function.owner, visiting)
            if owner is None:
                return None
            parts.append(owner)
        for name in sorted(function.mentions()):
            if name not in self.globals:
                continue
            signature = self.value_signature(self.globals[name], visiting)
            if signature is None:
                return None
            parts.append((name, signature))
        result = _interned(tuple(parts))
        visiting.discard(id(function))
        self.signatures[id(function)] = result
        return result

    def value_signature(self, value: Value, visiting: set[int]) -> Any:
        if isinstance(value, FunctionVal):
            return ("function", self.function_signature(value, visiting))
        if isinstance(value, ClassVal):
            if id(value) in self.signatures:
                return self.signatures[id(value)]
            if id(value) in visiting:
                return ("class", value.unit.key, value.unit.start_line, value.qualname)
            visiting.add(id(value))
            methods = []
            for name, method in sorted(value.methods.items()):
                signature = self.function_signature(method, visiting)
                if signature is None:
                    return None
                methods.append((name, signature))
            attributes = []
            for name, attribute in sorted(value.attributes.items()):
                signature = self.value_signature(attribute, visiting)
                if signature is None:
                    return None
                attributes.append((name, signature))
            # registrations are calls elsewhere in the module: part of the key
            decomposition = (
                self.function_signature(value.decomposition, visiting)
                if value.decomposition is not None
                else None
            )
            if value.decomposition is not None and decomposition is None:
                return None
            visiting.discard(id(value))
            signature = _interned(
                (
                    "class",
                    value.unit.key,
                    value.unit.start_line,
                    tuple(methods),
                    tuple(attributes),
                    value.registration,
                    decomposition,
                )
            )
            self.signatures[id(value)] = signature
            return signature
        if isinstance(value, TensorVal):
            return (
                "tensor",
                value.type,
                value.grad,
                value.origin,
                value.ndim,
                value.spec,
                value.shape,
            )
        if isinstance(value, TensorSeqVal):
            return ("seq", self.value_signature(value.element, visiting))
        if isinstance(value, TupleVal):
            items = [self.value_signature(item, visiting) for item in value.items]
            return None if any(i is None for i in items) else ("tuple", tuple(items))
        if isinstance(value, ModuleVal):
            return ("module", value.path, value.fingerprint)
        if isinstance(value, (InstanceVal, BoundMethodVal)):
            return None
        return value


# Signatures of functions and classes, interned as numbers: a key is then a short tuple,
# cheap to hash on every lookup, where the nested signature it stands for is not. Numbers
# are never reused (after a clear, old keys just miss).
_INTERNED: dict[tuple[Any, ...], int] = {}
_NEXT = [0]


def _interned(signature: tuple[Any, ...]) -> int:
    number = _INTERNED.get(signature)
    if number is None:
        if len(_INTERNED) > 200_000:
            _INTERNED.clear()
        _NEXT[0] += 1
        number = _INTERNED[signature] = _NEXT[0]
    return number
