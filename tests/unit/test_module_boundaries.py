"""Modules talk to each other through public names only.

A private member (``_name``) is the business of the class or module that defines it: no
code reaches one through another object (``interp._report``, ``analyzer._cache``), nor by
its name as a string (``getattr(x, "_name")``). Only ``self``, ``cls`` and ``super()``
may be the base of a private attribute. Dunders (``__init__``) are the language's, not
private.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PACKAGES = ["checker", "server"]
# Packages not held to the rule yet (none: the server talks to the checker through
# spmd_check.api only).
PENDING: set[str] = set()
_OWN = frozenset({"self", "cls"})
_BY_NAME = frozenset({"getattr", "setattr", "hasattr", "delattr"})


def _is_private(name: str) -> bool:
    return name.startswith("_") and not (name.startswith("__") and name.endswith("__"))


def _own_base(node: ast.expr) -> bool:
    if isinstance(node, ast.Name):
        return node.id in _OWN
    return (
        isinstance(node, ast.Call)
        and isinstance(node.func, ast.Name)
        and node.func.id == "super"
        and not node.args
    )


def _reaches_in(node: ast.AST) -> bool:
    """``x._name`` with ``x`` not ``self``, ``cls`` or ``super()``."""
    return isinstance(node, ast.Attribute) and _is_private(node.attr) and not _own_base(node.value)


def _by_private_name(node: ast.AST) -> bool:
    """``getattr(x, "_name")`` and its relatives."""
    return (
        isinstance(node, ast.Call)
        and isinstance(node.func, ast.Name)
        and node.func.id in _BY_NAME
        and len(node.args) >= 2
        and isinstance(node.args[1], ast.Constant)
        and isinstance(node.args[1].value, str)
        and _is_private(node.args[1].value)
    )


def private_accesses(source: str, where: str) -> list[str]:
    """Every reach into another object's private members in one file, as file:line."""
    found = [
        node
        for node in ast.walk(ast.parse(source, where))
        if isinstance(node, ast.expr) and (_reaches_in(node) or _by_private_name(node))
    ]
    found.sort(key=lambda node: (node.lineno, node.col_offset))
    return [f"{where}:{node.lineno}: {ast.unparse(node)}" for node in found]


@pytest.mark.parametrize("package", PACKAGES)
def test_no_module_reaches_into_another_objects_private_members(package: str) -> None:
    if package in PENDING:
        pytest.skip(f"{package}/: pending its rewrite (see PENDING)")
    found = [
        hit
        for path in sorted((ROOT / package).rglob("*.py"))
        for hit in private_accesses(path.read_text(encoding="utf-8"), str(path.relative_to(ROOT)))
    ]
    assert not found, "private members reached from outside their object:\n" + "\n".join(found)


def test_the_check_sees_what_it_forbids() -> None:
    source = (
        "class A:\n"
        "    def f(self, other):\n"
        "        self._own()\n"
        "        super()._parent()\n"
        "        other.__len__()\n"
        "        other._theirs()\n"
        "        return getattr(other, '_hidden')\n"
    )
    assert [hit.split(": ", 1)[1] for hit in private_accesses(source, "sample.py")] == [
        "other._theirs",
        "getattr(other, '_hidden')",
    ]
