"""What the harness types and where it hovers, chosen from the file's syntax tree.

A keystroke is one character typed onto the end of a use of a local variable in
the function nearest the middle of the file (``hidden`` -> ``hiddena`` ->
``hiddenab`` ...): every version is a distinct, valid text (a checker cannot
answer from a cache of an earlier version), the edit stays inside one function,
and the grown name is undefined, as mid-word typing makes it.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass

LETTERS = "abcdefghijklmnopqrstuvwxyz"


@dataclass(frozen=True)
class Site:
    line: int  # 0-based
    column: int  # 0-based, in code points (the generated files are ASCII: UTF-16 alike)
    function: str


def _functions(tree: ast.Module) -> list[ast.FunctionDef | ast.AsyncFunctionDef]:
    return [
        node
        for node in ast.walk(tree)
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and len(node.body) >= 3
    ]


def edit_site(text: str) -> Site:
    """The end of a local variable's use in the function (or method, constructors last)
    nearest the middle of the file."""
    tree = ast.parse(text)
    middle = (text.count("\n") + 1) // 2

    def distance(node: ast.FunctionDef | ast.AsyncFunctionDef) -> tuple[bool, int, int]:
        # code that computes (forward, functions) before constructors: where tensors flow
        end = node.end_lineno or node.lineno
        spans = node.lineno <= middle <= end
        return (node.name == "__init__", 0 if spans else 1, abs(node.lineno - middle))

    for function in sorted(_functions(tree), key=distance):
        arguments = function.args
        local = {a.arg for a in arguments.posonlyargs + arguments.args + arguments.kwonlyargs}
        local |= {
            node.id
            for node in ast.walk(function)
            if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store)
        }
        local.discard("self")
        uses = sorted(
            (node.lineno, node.col_offset, node)
            for statement in function.body[1:]
            for node in ast.walk(statement)
            if isinstance(node, ast.Name)
            and isinstance(node.ctx, ast.Load)
            and node.id in local
            and node.lineno == node.end_lineno
        )
        if uses:
            node = uses[0][2]
            assert node.end_col_offset is not None
            return Site(node.lineno - 1, node.end_col_offset, function.name)
    raise ValueError("no function with a local variable to edit")


def hover_sites(text: str, count: int, skip_line: int) -> list[tuple[int, int]]:
    """``count`` (line, column) positions on names and attributes, spread evenly over the
    file, none on ``skip_line`` (the edited line: positions elsewhere do not move)."""
    tree = ast.parse(text)
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Name) and node.lineno - 1 != skip_line:
            found.add((node.lineno - 1, node.col_offset + len(node.id) // 2))
        elif (
            isinstance(node, ast.Attribute)
            and node.end_lineno == node.lineno
            and node.lineno - 1 != skip_line
            and node.end_col_offset is not None
        ):
            found.add((node.lineno - 1, node.end_col_offset - len(node.attr) // 2 - 1))
    ordered = sorted(found)
    if not ordered or count <= 0:
        return []
    step = len(ordered) / count
    return [ordered[int(k * step + step / 2) % len(ordered)] for k in range(count)]


class Typist:
    """The document as the client sees it, and the next keystroke at the cursor: letters
    typed at the site and, every ``enter_every`` keystrokes (0: never), an Enter that
    indents the new line like the one it splits (what an editor does), moving every line
    below it."""

    def __init__(self, text: str, site: Site, enter_every: int = 0) -> None:
        self.lines = text.split("\n")
        self.site = site
        self.enter_every = enter_every
        self.line, self.column = site.line, site.column
        self.typed = 0
        self.version = 1

    @property
    def text(self) -> str:
        return "\n".join(self.lines)

    def keystroke(self) -> dict[str, object]:
        """Types the next key; returns the incremental change (LSP's
        TextDocumentContentChangeEvent with a range)."""
        position = {"line": self.line, "character": self.column}
        current = self.lines[self.line]
        self.typed += 1
        self.version += 1
        if self.enter_every and self.typed % self.enter_every == 0:
            indent = current[: len(current) - len(current.lstrip())]
            head, tail = current[: self.column], current[self.column :]
            self.lines[self.line : self.line + 1] = [head, indent + tail]
            self.line, self.column = self.line + 1, len(indent)
            typed = "\n" + indent
        else:
            typed = LETTERS[(self.typed - 1) % len(LETTERS)]
            self.lines[self.line] = current[: self.column] + typed + current[self.column :]
            self.column += 1
        return {"range": {"start": position, "end": position}, "text": typed}
