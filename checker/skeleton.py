"""What of a unit runs when its module is imported: everything but its functions' bodies.

Typing inside a function changes its unit's text but not its skeleton. Such an edit leaves
the module level doing what it did (the same names bound to the same kinds of values, the
same calls made), unless the module level calls the edited function, so what the previous
check computed about everything that does not read the edited function still holds
(``journal.Carried``).
"""

from __future__ import annotations

import ast
from collections.abc import Callable, Hashable, Sequence

from .frontend import Unit
from .memo import Memo

# by unit text key: only the units an edit changed are asked for, each twice (as the new text,
# then as the previous one at the next keystroke)
_SKELETONS: Memo[str, Hashable] = Memo("unit_skeletons", 256)


def skeleton(key: str, tree: Callable[[str], ast.Module | None]) -> Hashable:
    """The tree of the unit text ``key`` without positions and without function bodies (a
    nested function's too: its body does not run at import either); None when its tree is
    not at hand (``tree``: the parse cache's) or did not parse."""
    found = _SKELETONS.get(key)
    if found is not None:
        return found
    parsed = tree(key)
    if parsed is None:
        return None  # not remembered: the tree may be at hand another time
    return _SKELETONS.put(key, _shape(parsed))


def _shape(node: object) -> Hashable:
    if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
        # kept on the node: a re-parsed unit shares its unchanged functions with the old
        # tree (``frontend.reparse_method``), and a copy of a function on the way to the one
        # replaced differs only in its body, which the shape leaves out
        found: Hashable | None = node.__dict__.get(_KEPT)
        if found is None:
            found = node.__dict__[_KEPT] = _fields(node, skip="body")
        return found
    if isinstance(node, ast.AST):
        return _fields(node)
    if isinstance(node, list):
        return tuple(_shape(item) for item in node)
    # constants: a float NaN never equals itself, which only makes an edit look structural
    return (type(node).__name__, node)


def _fields(node: ast.AST, skip: str = "") -> Hashable:
    return (
        type(node).__name__,
        tuple((name, _shape(value)) for name, value in ast.iter_fields(node) if name != skip),
    )


_KEPT = "_spmd_skeleton"  # the attribute a function's node keeps its shape in


def body_edits(
    before: Sequence[tuple[str, int]], after: list[Unit], tree: Callable[[str], ast.Module | None]
) -> list[tuple[int, Unit]] | None:
    """The units whose text changed only inside function bodies, by their index, with the
    unit after; None for any other change: a unit added or removed, a change outside the
    bodies (a syntax error there, or one the parser could not blank out). Units are
    compared by text: a line added inside a body moves the units below it, which are
    unchanged (``before`` holds each unit's text key and first line; the lines are not
    compared)."""
    if len(before) != len(after):
        return None
    edits: list[tuple[int, Unit]] = []
    for index, ((key, _), new) in enumerate(zip(before, after, strict=True)):
        if key == new.key:
            continue
        old_shape = skeleton(key, tree)
        # a unit with a syntax error is analysed as parsed with its broken lines blanked
        # (``frontend._recover``), under its key: its skeleton is that tree's
        if old_shape is None or old_shape != skeleton(new.key, tree):
            return None
        edits.append((index, new))
    return edits
