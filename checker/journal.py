"""The cache of standalone function analyses: what one depends on, and what it recorded.

A standalone analysis (a function analysed with unknown parameters) is a pure function of
the function's text and position, the checker's state, and the values of the module-level
names it reads, recursively; ``cache_key`` computes that. Its ``Journal`` is everything it
recorded, replayed when the key is unchanged (DESIGN.md, "Incrementality").
"""

from __future__ import annotations

import ast
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from .results import Span, TypeFact
from .values import (
    BoundMethodVal,
    ClassVal,
    FunctionVal,
    InstanceVal,
    ModuleVal,
    TensorSeqVal,
    TensorVal,
    TupleVal,
    Value,
)

if TYPE_CHECKING:
    from .infer import Interpreter


@dataclass
class Journal:
    """What one standalone analysis recorded, to replay when its inputs are unchanged."""

    entries: list[tuple[str, Any, Any]] = field(default_factory=list)
    facts: dict[Span, TypeFact] = field(default_factory=dict)


_FREE_NAMES: dict[tuple[str, str, int], frozenset[str]] = {}


def free_names(function: FunctionVal) -> frozenset[str]:
    """Every name a function's body mentions (a superset of the globals it reads)."""
    key = (function.unit.key, function.qualname, function.node.lineno)
    names = _FREE_NAMES.get(key)
    if names is None:
        names = frozenset(n.id for n in ast.walk(function.node) if isinstance(n, ast.Name))
        if len(_FREE_NAMES) > 50_000:
            _FREE_NAMES.clear()
        _FREE_NAMES[key] = names
    return names


def cache_key(interp: Interpreter, function: FunctionVal) -> Any:
    """What a standalone analysis depends on: the function's text and position, and the
    values (recursively, the texts) of the module-level names it reads. None: not cacheable."""
    if function.closure is not None:
        return None
    signature = function_signature(interp, function, set())
    if signature is None:
        return None
    return (interp.path, interp._standalone_state(), signature)


def function_signature(interp: Interpreter, function: FunctionVal, visiting: set[int]) -> Any:
    if id(function) in interp._signatures:
        return interp._signatures[id(function)]
    own = (function.unit.key, function.unit.start_line, function.qualname)
    if id(function) in visiting:
        return own
    visiting.add(id(function))
    parts: list[Any] = [own]
    if function.owner is not None:
        owner = value_signature(interp, function.owner, visiting)
        if owner is None:
            return None
        parts.append(owner)
    for name in sorted(free_names(function)):
        if name not in interp.globals:
            continue
        signature = value_signature(interp, interp.globals[name], visiting)
        if signature is None:
            return None
        parts.append((name, signature))
    result = tuple(parts)
    visiting.discard(id(function))
    interp._signatures[id(function)] = result
    return result


def value_signature(interp: Interpreter, value: Value, visiting: set[int]) -> Any:
    if isinstance(value, FunctionVal):
        return ("function", function_signature(interp, value, visiting))
    if isinstance(value, ClassVal):
        if id(value) in visiting:
            return ("class", value.unit.key, value.unit.start_line, value.qualname)
        visiting.add(id(value))
        methods = []
        for name, method in sorted(value.methods.items()):
            signature = function_signature(interp, method, visiting)
            if signature is None:
                return None
            methods.append((name, signature))
        attributes = []
        for name, attribute in sorted(value.attributes.items()):
            signature = value_signature(interp, attribute, visiting)
            if signature is None:
                return None
            attributes.append((name, signature))
        visiting.discard(id(value))
        return ("class", value.unit.key, value.unit.start_line, tuple(methods), tuple(attributes))
    if isinstance(value, TensorVal):
        return ("tensor", value.type, value.grad, value.exact, value.origin, value.ndim)
    if isinstance(value, TensorSeqVal):
        return ("seq", value_signature(interp, value.element, visiting))
    if isinstance(value, TupleVal):
        items = [value_signature(interp, item, visiting) for item in value.items]
        return None if any(i is None for i in items) else ("tuple", tuple(items))
    if isinstance(value, ModuleVal):
        return ("module", value.path, value.fingerprint)
    if isinstance(value, (InstanceVal, BoundMethodVal)):
        return None
    return value
