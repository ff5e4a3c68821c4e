"""Where a definition is, in terms an edit that moves lines leaves as they were.

A function's identity and a class's header name the definition across checks
(``journal.CacheKeys``). With its line in them, pressing Enter above a function gave it a
new key, and every function below the edit was analysed again (600 ms to 1.4 s on the
generated 10,000-line module). A *place* is instead: which of the units with the same text
the definition is in (``twins``), and its path of definitions from the top of that unit,
each one's name with its rank among the definitions of that name in the same scope
(``def_path``). Two definitions of one file never share a place, and only an edit of the
unit's definitions (not of their bodies' other statements, nor a line added anywhere)
changes one.
"""

from __future__ import annotations

import ast
from collections.abc import Iterable, Iterator

from .frontend import Unit
from .memo import Memo

Place = tuple[int, tuple[object, ...]]  # (twin, path of (name, rank)) - see the docstring

_DEFINITIONS = (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)
# by unit text: a keystroke in a method is a new text for its class's unit
_PATHS: Memo[str, dict[tuple[int, int], tuple[object, ...]]] = Memo("definition_paths", 10_000)


def twins(units: Iterable[Unit]) -> dict[int, int]:
    """By ``id`` of a unit, its rank among the earlier units with the same text, for the
    units that have one (a top-level statement repeated word for word)."""
    seen: dict[str, int] = {}
    ranks: dict[int, int] = {}
    for unit in units:
        rank = seen.get(unit.key, 0)
        seen[unit.key] = rank + 1
        if rank:
            ranks[id(unit)] = rank
    return ranks


def place(unit: Unit, node: ast.AST, twin: int) -> Place:
    """The place of a definition of ``unit``'s tree (a node not in it, made by the
    checker: by its line in the unit)."""
    paths = _PATHS.get(unit.key)
    if paths is None:
        paths = _PATHS.put(unit.key, _paths(unit.tree) if unit.tree is not None else {})
    lineno, column = getattr(node, "lineno", 0), getattr(node, "col_offset", 0)
    found = paths.get((lineno, column))
    return (twin, found if found is not None else ("line", lineno, column))


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
        if isinstance(statement, _DEFINITIONS):
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
_PLAIN = (ast.Name, ast.Attribute, ast.Constant, ast.Load, ast.Store, ast.expr_context)


def makes_places(unit: Unit) -> bool:
    """Whether running the unit at import may make a value that holds a place of the
    file (a tensor's origin, a mesh's site): anything it evaluates beyond names,
    attributes and constants (a call, an operator). Its functions' bodies do not run at
    import; their decorators, defaults and annotations do, and so does a class's body."""
    found = _MAKES_PLACES.get(unit.key)
    if found is None:
        tree = unit.tree
        found = _MAKES_PLACES.put(unit.key, tree is None or _evaluates(tree.body))
    return found


def _evaluates(body: list[ast.stmt]) -> bool:
    for statement in body:
        if isinstance(statement, (ast.Import, ast.ImportFrom, ast.Pass)):
            continue
        if isinstance(statement, (ast.FunctionDef, ast.AsyncFunctionDef)):
            arguments = statement.args
            parts: list[ast.AST] = [
                *statement.decorator_list,
                *arguments.defaults,
                *(d for d in arguments.kw_defaults if d is not None),
            ]
            annotations = [
                a.annotation
                for a in (*arguments.posonlyargs, *arguments.args, *arguments.kwonlyargs)
                if a.annotation is not None
            ]
            if statement.returns is not None:
                annotations.append(statement.returns)
            # an annotation is read for what it names (``Tensor | None``): only a call in
            # it makes a value
            if any(isinstance(n, ast.Call) for a in annotations for n in ast.walk(a)):
                return True
        elif isinstance(statement, ast.ClassDef):
            if _evaluates(statement.body):
                return True
            parts = [*statement.decorator_list, *statement.bases, *statement.keywords]
        else:
            parts = [statement]
        for part in parts:
            for node in ast.walk(part):
                if not isinstance(node, (*_PLAIN, ast.keyword, ast.Expr)):
                    return True
    return False
