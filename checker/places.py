"""Where a definition is, in terms an edit that moves lines leaves as they were.

A function's identity and a class's header name the definition across checks
(``journal.CacheKeys``). With its line in them, pressing Enter above a function gave it a
new key, and every function below the edit was analysed again (600 ms to 1.4 s on the
generated 10,000-line module). A *place* is instead its path of definitions from the top
of the module, each one's name with its rank among the definitions of that name in the
same scope (``place``; the module's scope is split into units, so the first rank counts
the definitions of that name in the units above: ``module_ranks``). Two
definitions of one file never share a place, and only an edit that adds, removes or
renames a definition before it in its scope changes one (not a line added anywhere).
"""

from __future__ import annotations

import ast
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass

from .frontend import DEFINITIONS, Unit
from .memo import Memo

Place = tuple[object, ...]  # the path of (name, rank) pairs - see the docstring


@dataclass(frozen=True)
class _Definitions:
    """A unit text's definitions: each one's path (by line and column of its statement),
    and the names of its top-level ones in order."""

    paths: dict[tuple[int, int], tuple[object, ...]]
    tops: tuple[str, ...]


# by unit text: a keystroke in a method is a new text for its class's unit
_DEFINED: Memo[str, _Definitions] = Memo("unit_definitions", 10_000)


def _definitions(unit: Unit) -> _Definitions:
    found = _DEFINED.get(unit.key)
    if found is None:
        paths = _paths(unit.tree) if unit.tree is not None else {}
        tops = tuple(str(path[0]) for path in paths.values() if len(path) == 2)
        found = _DEFINED.put(unit.key, _Definitions(paths, tops))
    return found


def module_ranks(units: Iterable[Unit]) -> dict[int, dict[str, int]]:
    """By ``id`` of a unit, for each name its top-level definitions share with earlier
    units, how many of those came before: the module is one scope, split into units (a
    function defined again further down is the second of its name)."""
    seen: dict[str, int] = {}
    offsets: dict[int, dict[str, int]] = {}
    for unit in units:
        names = _definitions(unit).tops
        for name in names:
            count = seen.get(name, 0)
            if count:
                offsets.setdefault(id(unit), {})[name] = count
        for name in names:
            seen[name] = seen.get(name, 0) + 1
    return offsets


def place(unit: Unit, node: ast.AST, offsets: Mapping[str, int] | None = None) -> Place:
    """The place of a definition of ``unit``'s tree, ``offsets`` its unit's
    (``module_ranks``); a node not in the tree, made by the checker: by its line in the
    unit."""
    where = (getattr(node, "lineno", 0), getattr(node, "col_offset", 0))
    found = _definitions(unit).paths.get(where)
    if found is None:
        return ("line", *where)
    name, rank = found[0], found[1]
    if offsets and isinstance(name, str) and name in offsets:
        assert isinstance(rank, int)
        return (name, rank + offsets[name], *found[2:])
    return found


def _paths(tree: ast.Module) -> dict[tuple[int, int], tuple[object, ...]]:
    found: dict[tuple[int, int], tuple[object, ...]] = {}
    _scope(tree.body, (), found)
    return found


def _scope(
    body: list[ast.stmt],
    prefix: tuple[object, ...],
    found: dict[tuple[int, int], tuple[object, ...]],
) -> None:
    """The definitions of one scope (a module, class or function body, with the bodies of
    its compound statements), ranked by name in order."""
    ranks: dict[str, int] = {}
    for statement in _statements(body):
        rank = ranks.get(statement.name, 0)
        ranks[statement.name] = rank + 1
        path = (*prefix, statement.name, rank)
        found[(statement.lineno, statement.col_offset)] = path
        _scope(statement.body, path, found)


def _statements(
    body: list[ast.stmt],
) -> Iterator[ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef]:
    """The definitions a scope's statements make, its nested blocks included (an ``if``'s
    branches, a ``try``'s handlers), in order; not those inside the definitions."""
    for statement in body:
        if isinstance(statement, DEFINITIONS):
            yield statement
            continue
        for name in ("body", "orelse", "finalbody"):
            block = getattr(statement, name, None)
            if isinstance(block, list):
                yield from _statements(block)
        for handler in getattr(statement, "handlers", ()):
            yield from _statements(handler.body)
        for case in getattr(statement, "cases", ()):
            yield from _statements(case.body)


# by unit text
_MAKES_PLACES: Memo[str, bool] = Memo("units_making_places", 10_000)
# what evaluating makes no new value from: names, attributes, constants, and tuples and
# lists of them
_PLAIN = (ast.Name, ast.Attribute, ast.Constant, ast.expr_context, ast.Tuple, ast.List)


def makes_places(unit: Unit) -> bool:
    """Whether running the unit at import may make a value that holds a place of the
    file (a tensor's origin, a mesh's site): anything it evaluates beyond names,
    attributes and constants (a call, an operator, a subscript). Its functions' bodies do
    not run at import; their decorators and defaults do (annotations are read for what
    they name: only a call in one counts), and so does a class's body."""
    found = _MAKES_PLACES.get(unit.key)
    if found is None:
        tree = unit.tree
        found = _MAKES_PLACES.put(unit.key, tree is None or _evaluates(tree.body))
    return found


def _evaluates(body: list[ast.stmt]) -> bool:
    for statement in body:
        values: list[ast.AST] = []
        annotations: list[ast.AST] = []
        if isinstance(statement, (ast.Import, ast.ImportFrom, ast.Pass)):
            continue
        if isinstance(statement, (ast.FunctionDef, ast.AsyncFunctionDef)):
            arguments = statement.args
            values = [*statement.decorator_list, *arguments.defaults]
            values += [d for d in arguments.kw_defaults if d is not None]
            every = (*arguments.posonlyargs, *arguments.args, *arguments.kwonlyargs)
            annotations = [a.annotation for a in every if a.annotation is not None]
            if statement.returns is not None:
                annotations.append(statement.returns)
        elif isinstance(statement, ast.ClassDef):
            if _evaluates(statement.body):
                return True
            values = [*statement.decorator_list, *statement.bases]
            values += [k.value for k in statement.keywords]
        elif isinstance(statement, ast.Assign):
            values = [*statement.targets, statement.value]
        elif isinstance(statement, ast.AnnAssign):
            values = (
                [statement.target]
                if statement.value is None
                else [statement.target, statement.value]
            )
            annotations = [statement.annotation]
        elif isinstance(statement, ast.Expr):
            values = [statement.value]
        else:
            return True  # a block, a loop, an assertion: whatever it runs
        if any(not isinstance(n, _PLAIN) for value in values for n in ast.walk(value)):
            return True
        if any(isinstance(n, ast.Call) for a in annotations for n in ast.walk(a)):
            return True
    return False
