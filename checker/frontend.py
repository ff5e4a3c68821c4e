"""Front end: split a module into units (top-level statements) and parse each with ``ast``.

A unit is parsed on its own, so a syntax error costs one unit, not the file,
and an edit reparses only the units whose text changed (``UnitCache`` keys
parsed trees by the unit's text). Trees keep unit-relative line numbers; a
``Unit`` knows where it starts, and spans are made absolute with it.

Measured (DESIGN.md, "Parsing"): ``ast`` parses a 10,000-line module in about
0.2 s where libcst takes 1.7 s (8 s with positions), so analysis uses ``ast``;
libcst only checks the result of a quick fix.
"""

from __future__ import annotations

import ast
import copy
import hashlib
import os
import re
import warnings
from collections import OrderedDict
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cached_property

from .results import Span

# A new unit starts at a line with code in column 0 that does not continue
# the previous statement.
_CONTINUATION = re.compile(r"(else\b|elif\b|except\b|finally\b|case\b|[)\]}])")


@dataclass
class Unit:
    """One top-level statement (with its decorators), or a stretch that failed to parse."""

    text: str
    start_line: int  # 0-based line of the unit's first line in the module
    tree: ast.Module | None  # with ``error`` set: the unit parsed with its broken lines blanked
    error: SyntaxError | None = None
    key: str = ""
    path: str = ""  # the file this unit belongs to

    @cached_property
    def lines(self) -> list[str]:
        """The unit's lines without their line breaks (computed when first needed)."""
        return _LINE_BREAK.split(self.text.removesuffix("\n").removesuffix("\r"))

    @cached_property
    def is_ascii(self) -> bool:
        """Byte offsets are code point columns on every line (most code)."""
        return self.text.isascii()

    def span(self, node: ast.AST) -> Span:
        """The absolute span of a node of this unit's tree, columns in code points."""
        line = node.lineno - 1  # type: ignore[attr-defined]
        end_line = (node.end_lineno or node.lineno) - 1  # type: ignore[attr-defined]
        if self.is_ascii:
            return Span(
                self.start_line + line,
                node.col_offset,  # type: ignore[attr-defined]
                self.start_line + end_line,
                node.end_col_offset or 0,  # type: ignore[attr-defined]
            )
        return Span(
            self.start_line + line,
            self._column(line, node.col_offset),  # type: ignore[attr-defined]
            self.start_line + end_line,
            self._column(end_line, node.end_col_offset or 0),  # type: ignore[attr-defined]
        )

    def _column(self, line: int, byte_offset: int) -> int:
        if line >= len(self.lines):
            return byte_offset
        text = self.lines[line]
        if text.isascii():
            return byte_offset
        return len(text.encode("utf-8")[:byte_offset].decode("utf-8", errors="replace"))

    def source_of(self, node: ast.AST) -> str:
        """The exact source text of a node (``ast.get_source_segment`` re-splits the whole
        text on every call, which dominated analysis time)."""
        try:
            first: int = node.lineno - 1  # type: ignore[attr-defined]
            last: int = (node.end_lineno or node.lineno) - 1  # type: ignore[attr-defined]
            start: int = node.col_offset  # type: ignore[attr-defined]
            end: int | None = node.end_col_offset  # type: ignore[attr-defined]
        except AttributeError:
            return str(ast.unparse(node))
        if end is None or last >= len(self.lines):
            return str(ast.unparse(node))
        if first == last:
            line = self.lines[first]
            if line.isascii():
                return line[start:end]
            return line.encode("utf-8")[start:end].decode("utf-8", errors="replace")
        head = self.lines[first].encode("utf-8")[start:].decode("utf-8", errors="replace")
        tail = self.lines[last].encode("utf-8")[:end].decode("utf-8", errors="replace")
        return "\n".join([head, *self.lines[first + 1 : last], tail])


def _unit_key(text: str) -> str:
    return hashlib.blake2b(text.encode("utf-8", errors="surrogatepass"), digest_size=16).hexdigest()


class UnitCache:
    """Parsed trees by unit text (LRU, ``capacity`` entries), shared across checks of one or
    many files. Every keystroke adds an entry for the unit it touched; the LRU drops them."""

    DEFAULT_CAPACITY = 5_000

    def __init__(self, capacity: int = DEFAULT_CAPACITY) -> None:
        self._trees: OrderedDict[str, tuple[ast.Module | None, SyntaxError | None]] = OrderedDict()
        self.capacity = capacity
        # the last text and tree of each long class unit, by place (path, first line)
        self._recent: OrderedDict[tuple[str, int], tuple[str, ast.Module]] = OrderedDict()

    def __len__(self) -> int:
        return len(self._trees)

    def tree(self, key: str) -> ast.Module | None:
        """The tree of a unit text parsed before (by its key), if it parsed and is still
        kept; never parses."""
        hit = self._trees.get(key)
        return hit[0] if hit is not None and hit[1] is None else None

    def parse_at(
        self, text: str, place: tuple[str, int]
    ) -> tuple[str, ast.Module | None, SyntaxError | None]:
        """``parse``, for the unit that starts at ``place`` (a path and a line): a long unit
        whose previous text there differs inside one function is re-parsed by that function
        (``reparse_method``)."""
        key = _unit_key(text)
        if key in self._trees or text.count("\n") < METHOD_REPARSE_LINES:
            return self.parse(text)
        previous = self._recent.get(place)
        tree = reparse_method(*previous, text) if previous is not None else None
        if tree is None:
            key, tree, error = self.parse(text)
        else:
            if VERIFY_INCREMENTAL:
                whole = ast.dump(ast.parse(text), include_attributes=True)
                if ast.dump(tree, include_attributes=True) != whole:
                    raise AssertionError(f"re-parse of the unit at {place} differs")
            error = None
            self._store(key, tree, None)
        if tree is not None and error is None:
            self._recent[place] = (text, tree)
            self._recent.move_to_end(place)
            if len(self._recent) > 32:
                self._recent.popitem(last=False)
        return key, tree, error

    def parse(self, text: str) -> tuple[str, ast.Module | None, SyntaxError | None]:
        key = _unit_key(text)
        hit = self._trees.get(key)
        if hit is not None:
            self._trees.move_to_end(key)
            return key, hit[0], hit[1]
        try:
            with warnings.catch_warnings():
                warnings.simplefilter(
                    "ignore"
                )  # "invalid escape sequence" in user code is not ours to print
                tree: ast.Module | None = ast.parse(text)
            error: SyntaxError | None = None
        except SyntaxError as exc:
            # the traceback's frames would keep the whole check that parsed this alive
            tree, error = None, exc.with_traceback(None)
        except (ValueError, RecursionError, MemoryError) as exc:  # NUL bytes, absurd nesting
            tree, error = None, SyntaxError(f"cannot parse this statement: {exc}")
            error.lineno = 1
            exc.__traceback__ = None
        self._store(key, tree, error)
        return key, tree, error

    def discard(self, keys: Iterable[str]) -> None:
        """Forget these unit texts' trees (a file nobody has open: its next check, if any,
        parses again)."""
        for key in keys:
            self._trees.pop(key, None)

    def _store(self, key: str, tree: ast.Module | None, error: SyntaxError | None) -> None:
        self._trees[key] = (tree, error)
        if len(self._trees) > self.capacity:
            self._trees.popitem(last=False)


# A class unit at least this long is re-parsed by its edited method when the unit's previous
# text at its place is at hand (``UnitCache.parse_at``): typing in a 1,000-line class parsed
# the whole class on every keystroke (5 ms).
METHOD_REPARSE_LINES = 150


def _indent(line: str) -> str:
    return line[: len(line) - len(line.lstrip(" \t"))]


def first_line(node: ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef) -> int:
    """A definition's first line (1-based): its first decorator's, else its own."""
    return min([d.lineno for d in node.decorator_list] + [node.lineno])


_Step = tuple[ast.AST, str, int]  # a node, its field holding a list, an index in it
DEFINITIONS = (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)  # statements that name one


def _def_around(tree: ast.Module, top: int, bottom: int) -> tuple[list[_Step], int, int] | None:
    """The innermost function below the unit's own statement whose lines (decorators
    included, 0-based) hold lines ``top`` to ``bottom``, at any depth (a method, a function in
    an ``if`` block, a closure): the steps from the tree to it, its first line and its last."""
    steps: list[_Step] = []
    found: tuple[list[_Step], int, int] | None = None
    node: ast.AST = tree
    while True:
        inner = _child_around(node, top, bottom)
        if inner is None:
            return found
        field, index, child = inner
        steps.append((node, field, index))
        if isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef)) and len(steps) > 1:
            found = (list(steps), first_line(child) - 1, (child.end_lineno or child.lineno) - 1)
        node = child


def _child_around(node: ast.AST, top: int, bottom: int) -> tuple[str, int, ast.AST] | None:
    """The statement (or handler, or case) of a node's blocks that holds the lines."""
    for field in ("body", "orelse", "finalbody", "handlers", "cases"):
        block = getattr(node, field, None)
        if not isinstance(block, list):
            continue
        for index, child in enumerate(block):
            if not isinstance(child, (ast.stmt, ast.excepthandler, ast.match_case)):
                continue
            if isinstance(child, ast.match_case):
                if not child.body:
                    continue
                first, last = child.pattern.lineno - 1, (child.body[-1].end_lineno or 0) - 1
            else:
                start = first_line(child) if isinstance(child, DEFINITIONS) else child.lineno
                first, last = start - 1, (child.end_lineno or child.lineno) - 1
            if first <= top and bottom <= last:
                return field, index, child
    return None


# ``SPMD_CHECK_VERIFY_CARRIED=1`` (the tests set it): what incremental work reuses is checked
# against doing it again (a method re-parse against a whole parse here, a carried signature
# against a fresh one in ``journal``), and a difference is an error.
VERIFY_INCREMENTAL = os.environ.get("SPMD_CHECK_VERIFY_CARRIED") == "1"


def reparse_method(old_text: str, old_tree: ast.Module, new_text: str) -> ast.Module | None:
    """``ast.parse(new_text)`` when ``new_text`` is ``old_text`` (one statement) with lines of
    one function inside it changed (a method, a function in an ``if`` block, a closure) and
    as many lines: that function parsed alone, in a copy of the old tree (the other nodes
    shared, their positions unchanged). None for any other edit, or when the function does
    not parse alone as exactly itself."""
    if len(old_tree.body) != 1:
        return None
    old_lines, new_lines = split_lines_keepends(old_text), split_lines_keepends(new_text)
    if len(old_lines) != len(new_lines):
        return None
    changed = [i for i, (a, b) in enumerate(zip(old_lines, new_lines, strict=True)) if a != b]
    if not changed:
        return None
    found = _def_around(old_tree, changed[0], changed[-1])
    if found is None:
        return None
    steps, first, last = found
    if _indent(new_lines[first]) != _indent(old_lines[first]):
        return None  # alone it would be consistent, among its siblings it is not
    # inside a class of its own, its columns are its own; lines shift by the wrapper's
    snippet = "class _:\n" + "".join(new_lines[first : last + 1])
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            parsed = ast.parse(snippet)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return None
    wrapper = parsed.body[0] if len(parsed.body) == 1 else None
    if not isinstance(wrapper, ast.ClassDef) or len(wrapper.body) != 1:
        return None
    function = wrapper.body[0]
    if not isinstance(function, (ast.FunctionDef, ast.AsyncFunctionDef)):
        return None
    ast.increment_lineno(function, first - 1)
    if first_line(function) - 1 != first or function.end_lineno != last + 1:
        return None
    return _replaced(steps, function)


def _replaced(steps: list[_Step], new: ast.stmt) -> ast.Module:
    """The tree with the node the steps lead to replaced: every node on the way copied
    (shallow), the rest shared. A node that ended where the old one did ends where the new
    one does (its last line's text changed)."""
    parent, field, index = steps[-1]
    old = getattr(parent, field)[index]
    end = (old.end_lineno, old.end_col_offset)
    replacement: ast.AST = new
    for node, field, index in reversed(steps):
        copied = copy.copy(node)
        block = list(getattr(node, field))
        block[index] = replacement
        setattr(copied, field, block)
        if (getattr(copied, "end_lineno", None), getattr(copied, "end_col_offset", None)) == end:
            copied.end_lineno = new.end_lineno  # type: ignore[attr-defined]
            copied.end_col_offset = new.end_col_offset  # type: ignore[attr-defined]
        replacement = copied
    assert isinstance(replacement, ast.Module)
    return replacement


_NOT_A_START = " \t#\r\n\f"  # a line that starts so continues the unit above it


def _after_quotes(line: str, in_string: str | None) -> str | None:
    """Whether a triple-quoted string is open after the line (and with which quote)."""
    for quote in ('"""', "'''"):
        if in_string in (None, quote) and line.count(quote) % 2 == 1:
            in_string = quote if in_string is None else None
    return in_string


def unit_chunks(lines: list[str]) -> list[tuple[int, int]]:
    """Line ranges [start, end) of candidate units, by indentation.

    Lines inside a triple-quoted string never start a unit (a docstring's
    text often sits in column 0); the quote count is a cheap approximation
    that the merge step in ``split_units`` backs up.
    """
    return chunk_lines(lines).chunks


@dataclass(frozen=True)
class Chunking:
    """Candidate units of some lines, and what decides whether the line after them starts
    a unit: a triple-quoted string left open, or a decorator on the last start."""

    chunks: list[tuple[int, int]]
    open_string: bool
    ends_in_decorator: bool


def chunk_lines(lines: list[str]) -> Chunking:
    """``unit_chunks``, with the state at the end of the lines."""
    # one pass per kind of line, not a function call per line (this runs on every
    # keystroke over every line of the file): the lines that may start a unit, and those
    # with triple quotes
    candidates = [i for i, line in enumerate(lines) if line and line[0] not in _NOT_A_START]
    quoted = [i for i, line in enumerate(lines) if '"""' in line or "'''" in line]
    starts: list[int] = []
    in_string: str | None = None
    next_quoted = 0
    for i in candidates:
        # the quotes of the lines before this one, in order
        while next_quoted < len(quoted) and quoted[next_quoted] < i:
            in_string = _after_quotes(lines[quoted[next_quoted]], in_string)
            next_quoted += 1
        if in_string is None and not _CONTINUATION.match(lines[i]):
            starts.append(i)
    for i in quoted[next_quoted:]:
        in_string = _after_quotes(lines[i], in_string)
    if not starts or starts[0] != 0:
        starts.insert(0, 0)
    merged: list[int] = []
    after_decorator = False
    for i in starts:
        # decorators belong to the definition that follows them (the start just before
        # this one, not the unit's first line: that is the first decorator until the
        # definition ends the unit)
        if not after_decorator:
            merged.append(i)
        after_decorator = i < len(lines) and lines[i].startswith("@")
    bounds = [*merged, len(lines)]
    chunks = [(bounds[k], bounds[k + 1]) for k in range(len(merged)) if bounds[k] < bounds[k + 1]]
    return Chunking(chunks, in_string is not None, after_decorator)


def split_units(source: str, cache: UnitCache, path: str = "") -> list[Unit]:
    """Units of a module, each parsed; a unit that fails to parse carries its SyntaxError.

    Chunks come from indentation; a chunk that fails to parse is merged with
    the next ones (a bracket left open across a column-0 line) while that
    fixes it, up to a few chunks.
    """
    lines = split_lines_keepends(source)
    return units_of(lines, unit_chunks(lines), cache, path).units


# a chunk that does not parse is tried with up to this many chunks after it
MERGE_REACH = 7


@dataclass(frozen=True)
class Units:
    """The units of some chunks, and whether a chunk that did not parse looked for chunks
    past the last one (so more lines could have changed how it ends)."""

    units: list[Unit]
    reached_end: bool


def units_of(
    lines: list[str],
    chunks: list[tuple[int, int]],
    cache: UnitCache,
    path: str = "",
    first_line: int = 0,
) -> Units:
    """The chunks of ``lines`` (which start at the module's line ``first_line``) parsed
    into units."""
    units: list[Unit] = []
    reached_end = False
    k = 0
    while k < len(chunks):
        start, end = chunks[k]
        text = "".join(lines[start:end])
        key, tree, error = cache.parse_at(text, (path, first_line + start))
        if error is not None:
            for extra in range(1, MERGE_REACH + 1):
                if k + extra >= len(chunks):
                    reached_end = True
                    break
                wider_end = chunks[k + extra][1]
                wider = "".join(lines[start:wider_end])
                wkey, wtree, werror = cache.parse(wider)
                if werror is None:
                    key, tree, error, text, end = wkey, wtree, None, wider, wider_end
                    k += extra
                    break
        if error is not None:
            recovered = _recover(text, error, cache)
            if recovered is not None:
                key, tree = recovered  # analysed as if the broken lines were not there
        units.append(
            Unit(
                text=text,
                start_line=first_line + start,
                tree=tree,
                error=error,
                key=key,
                path=path,
            )
        )
        k += 1
    return Units(units, reached_end)


_LINE_BREAK = re.compile(r"\r\n|\r|\n")
_LINE = re.compile(r"[^\r\n]*(?:\r\n|\r|\n)|[^\r\n]+$")
# what str.splitlines breaks at besides \r and \n
_OTHER_BREAKS = re.compile("[\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029]")


def split_lines_keepends(text: str) -> list[str]:
    """Lines as Python counts them: broken at \r\n, \r and \n only (``str.splitlines``
    also breaks at form feeds and U+2028, which would shift every line after them; it is
    used, being several times faster, on a text without any of those)."""
    if _OTHER_BREAKS.search(text) is None:
        return text.splitlines(keepends=True)
    return _LINE.findall(text)


def _recover(
    text: str, error: SyntaxError, cache: UnitCache, attempts: int = 6
) -> tuple[str, ast.Module] | None:
    """Parse a unit with its broken lines blanked, so that a typo inside a block (a whole
    script often sits in one ``with`` block) costs that line, not the block. A line that
    opens a block becomes ``if True:``, one that is wrongly indented an empty line, any
    other ``pass``; line numbers do not move."""
    lines = split_lines_keepends(text)
    for _ in range(attempts):
        index = (error.lineno or 1) - 1
        if not 0 <= index < len(lines):
            return None
        original = lines[index]
        ending = original[len(original.rstrip("\r\n")) :] or "\n"
        body = original.rstrip("\r\n")
        indent = body[: len(body) - len(body.lstrip())]
        if "indent" in (error.msg or ""):
            replacement = ending
        elif body.rstrip().endswith(":"):
            replacement = f"{indent}if True:{ending}"
        else:
            replacement = f"{indent}pass{ending}"
        if replacement == original:
            return None
        lines[index] = replacement
        key, tree, next_error = cache.parse("".join(lines))
        if tree is not None:
            return key, tree
        if next_error is None:
            return None
        error = next_error
    return None
