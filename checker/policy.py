"""The policy on results, in one place: what is suppressed, and how findings merge.

Three rules decide which diagnostics a user sees, and both front ends (``spmd-check`` and
the server) apply them only through this module:

- ``# spmd: ignore[code, ...]`` on a diagnostic's line silences those codes there (a bare
  ``# spmd: ignore`` silences every code);
- ``[tool.spmd-check] ignore`` silences a code everywhere;
- an error found inside another file's function (the checker ran it for a caller's types)
  belongs to that file: it is merged into that file's own diagnostics once, however many
  callers found it, and the comments on *that* file's lines decide whether it is shown.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from typing import TypeAlias

from .results import Diagnostic, order_key

# Python and LSP break lines at \r\n, \r and \n only (str.splitlines also breaks at \x0c,
# \u2028 and others).
LINE_BREAK = re.compile(r"\r\n|\r|\n")
_IGNORE = re.compile(r"#\s*spmd:\s*ignore(?:\[([^\]]*)\])?")


def ignored_codes(line: str) -> set[str] | None:
    """Codes a ``# spmd: ignore[code, ...]`` comment silences on its line; an empty set
    silences every code; None: no such comment."""
    if "spmd:" not in line:
        return None
    match = _IGNORE.search(line)
    if match is None:
        return None
    if match.group(1) is None:
        return set()
    return {c.strip() for c in match.group(1).split(",") if c.strip()}


def is_suppressed(diagnostic: Diagnostic, lines: Lines, ignore: frozenset[str]) -> bool:
    """Whether the configuration or a comment on the diagnostic's first line silences it."""
    if diagnostic.code in ignore:
        return True
    codes = ignored_codes(_line(lines, diagnostic.span.line))
    return codes is not None and (not codes or diagnostic.code in codes)


def split_lines(source: str) -> list[str]:
    return LINE_BREAK.split(source)


def _breaks(text: str, start: int, end: int) -> int:
    """The line breaks in ``text[start:end]`` (neither end inside a ``\\r\\n``)."""
    return (
        text.count("\n", start, end) + text.count("\r", start, end) - text.count("\r\n", start, end)
    )


class CommentLines:
    """A text's lines as the suppression rules read them: the lines that hold ``spmd:``,
    and an empty line in place of every other. Splitting a 50,000-line file to read the
    few lines that have diagnostics took 16 ms a keystroke; this finds the comments."""

    def __init__(self, text: str) -> None:
        self._lines: dict[int, str] = {}
        number, counted = 0, 0  # the line at offset ``counted`` (a line start)
        at = text.find("spmd:")
        while at != -1:
            start = max(text.rfind("\n", 0, at), text.rfind("\r", 0, at)) + 1
            number += _breaks(text, counted, start)
            found = LINE_BREAK.search(text, at)
            end = found.start() if found is not None else len(text)
            self._lines[number] = text[start:end]
            counted = start
            at = text.find("spmd:", end)

    def line(self, number: int) -> str:
        return self._lines.get(number, "")


# a text's lines, split, or only those the suppression rules read
Lines: TypeAlias = Sequence[str] | CommentLines


def _line(lines: Lines, number: int) -> str:
    if isinstance(lines, CommentLines):
        return lines.line(number)
    return lines[number] if 0 <= number < len(lines) else ""


def visible(
    diagnostics: Iterable[Diagnostic], lines: Lines, ignore: frozenset[str]
) -> list[Diagnostic]:
    """The diagnostics a user sees, in source order."""
    kept = [d for d in diagnostics if not is_suppressed(d, lines, ignore)]
    return sorted(kept, key=sort_key)


def merge(
    own: Sequence[Diagnostic],
    contributed: Iterable[Diagnostic],
    lines: Sequence[str],
    ignore: frozenset[str] = frozenset(),
) -> list[Diagnostic]:
    """A file's diagnostics: its own check's, then errors other files' checks found in it
    (once each; suppressed by this file's comments on the lines they are on), in source
    order. ``lines`` is the text the contributed spans refer to."""
    merged = list(own)
    seen = {identity(d) for d in own}
    for diagnostic in contributed:
        key = identity(diagnostic)
        if key in seen or is_suppressed(diagnostic, lines, ignore):
            continue
        seen.add(key)
        merged.append(diagnostic)
    return sorted(merged, key=sort_key)


def identity(diagnostic: Diagnostic) -> tuple[object, ...]:
    """Two findings are the same error when place, code and message agree (the related
    information names the call that found it, which differs between callers)."""
    return (diagnostic.span, diagnostic.code, diagnostic.message)


def sort_key(diagnostic: Diagnostic) -> tuple[tuple[int, int, int, int], str]:
    return (order_key(diagnostic.span), diagnostic.code)
