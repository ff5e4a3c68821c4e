"""Columns: the checker counts Unicode code points, LSP counts the negotiated unit.

LSP's default (and VS Code's only) unit is the UTF-16 code unit, in which a
character outside the Basic Multilingual Plane counts 2. Neovim 0.11 offers
UTF-8 first, which pygls then picks; UTF-32 is the code point itself. Every
conversion goes through the line's text, so it is exact for any of the three.

Lines are split the way both Python and LSP split them: on ``\\r\\n``, ``\\r``
and ``\\n`` only (``str.splitlines`` would also split on form feeds and
U+2028, which neither does).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from lsprotocol import types
from spmd_check.results import Span

UTF8 = types.PositionEncodingKind.Utf8
UTF16 = types.PositionEncodingKind.Utf16
UTF32 = types.PositionEncodingKind.Utf32

_LINE_BREAK = re.compile(r"\r\n|\r|\n")


def split_lines(text: str) -> list[str]:
    """The document's lines without their terminators (a final empty line if it ends in one)."""
    return _LINE_BREAK.split(text)


def line_starts(text: str) -> list[int]:
    """The offset where each line starts (a final empty line if the text ends in a break)."""
    return [0, *(m.end() for m in _LINE_BREAK.finditer(text))]


class LineView(Sequence[str]):
    """The lines of a text, cut out one at a time when asked for: a keystroke in a large file
    does not split it all. An immutable snapshot (the text and its line starts)."""

    __slots__ = ("_starts", "_text")

    def __init__(self, text: str, starts: list[int] | None = None) -> None:
        self._text = text
        self._starts = starts if starts is not None else line_starts(text)

    def __len__(self) -> int:
        return len(self._starts)

    def __getitem__(self, index: int | slice) -> Any:
        if isinstance(index, slice):
            return [self[i] for i in range(*index.indices(len(self._starts)))]
        count = len(self._starts)
        if index < 0:
            index += count
        if not 0 <= index < count:
            raise IndexError(index)
        end = self._starts[index + 1] if index + 1 < count else len(self._text)
        line = self._text[self._starts[index] : end]
        if line.endswith("\n"):
            return line[:-2] if line.endswith("\r\n") else line[:-1]
        return line[:-1] if line.endswith("\r") else line

    def __eq__(self, other: object) -> bool:
        if isinstance(other, Sequence) and not isinstance(other, str):
            return len(self) == len(other) and all(
                a == b for a, b in zip(self, other, strict=False)
            )
        return NotImplemented

    def __hash__(self) -> int:
        return hash(self._text)

    def __repr__(self) -> str:
        return f"LineView({len(self)} lines)"


def _units(char: str, encoding: str) -> int:
    code = ord(char)
    if encoding == UTF16:
        return 2 if code > 0xFFFF else 1
    if encoding == UTF8:
        return 1 if code < 0x80 else 2 if code < 0x800 else 3 if code < 0x10000 else 4
    return 1


class Codec:
    """Converts between code-point columns and client columns for one encoding."""

    def __init__(self, encoding: str = UTF16) -> None:
        self.encoding = encoding if encoding in (UTF8, UTF16, UTF32) else UTF16

    def to_client_column(self, line: str, column: int) -> int:
        """Code-point column -> client units (clamped to the line's end)."""
        column = max(0, min(column, len(line)))
        if self.encoding == UTF32 or line.isascii():
            return column
        return sum(_units(c, self.encoding) for c in line[:column])

    def from_client_column(self, line: str, units: int) -> int:
        """Client units -> code-point column; a column inside a character rounds down,
        one past the line's end clamps to the end."""
        if units <= 0:
            return 0
        if self.encoding == UTF32 or line.isascii():
            return min(units, len(line))
        seen = 0
        for index, char in enumerate(line):
            width = _units(char, self.encoding)
            if seen + width > units:
                return index
            seen += width
        return len(line)

    def position(self, lines: Sequence[str], line: int, column: int) -> types.Position:
        """A checker position -> an LSP position (lines past the end clamp to the end)."""
        if not lines:
            return types.Position(line=0, character=0)
        if line >= len(lines):
            last = len(lines) - 1
            return types.Position(
                line=last, character=self.to_client_column(lines[last], len(lines[last]))
            )
        line = max(0, line)
        return types.Position(line=line, character=self.to_client_column(lines[line], column))

    def range(self, lines: Sequence[str], span: Span) -> types.Range:
        return types.Range(
            start=self.position(lines, span.line, span.column),
            end=self.position(lines, span.end_line, span.end_column),
        )

    def point(self, lines: Sequence[str], position: types.Position) -> tuple[int, int]:
        """An LSP position -> (line, code-point column) in these lines (clamped)."""
        if not lines:
            return (0, 0)
        line = max(0, min(position.line, len(lines) - 1))
        if position.line >= len(lines):
            return (line, len(lines[line]))
        return (line, self.from_client_column(lines[line], position.character))

    def span(self, lines: Sequence[str], rng: types.Range) -> Span:
        start = self.point(lines, rng.start)
        end = self.point(lines, rng.end)
        return Span(start[0], start[1], end[0], end[1])
