"""Test-side position arithmetic, written independently of the server's positions.py."""

from __future__ import annotations

import re

from lsprotocol import types

SOURCE = """import torch
import spmd_types as spmd
from spmd_types import P, R

x = torch.randn(4, requires_grad=True)
spmd.assert_type(x, {"dp": R, "tp": P})
label = "é𝔘"; y = torch.relu(x)
z = torch.relu(spmd.all_reduce(x, "tp", src=P, dst=R))
"""
RELU_LINE = 6


def lines(text: str) -> list[str]:
    return re.split(r"\r\n|\r|\n", text)


def units(text: str, encoding: str) -> int:
    if encoding == "utf-8":
        return len(text.encode("utf-8"))
    if encoding == "utf-32":
        return len(text)
    return len(text.encode("utf-16-le")) // 2


def position(text: str, line: int, column: int, encoding: str) -> types.Position:
    """(line, code-point column) -> an LSP position in ``encoding``."""
    return types.Position(line=line, character=units(lines(text)[line][:column], encoding))


def find(
    text: str, needle: str, encoding: str, occurrence: int = 0, line: int | None = None
) -> types.Range:
    """The range of the n-th occurrence of ``needle`` (on ``line`` if given)."""
    found = 0
    for number, content in enumerate(lines(text)):
        if line is not None and number != line:
            continue
        start = content.find(needle)
        while start >= 0:
            if found == occurrence:
                return types.Range(
                    start=position(text, number, start, encoding),
                    end=position(text, number, start + len(needle), encoding),
                )
            found += 1
            start = content.find(needle, start + 1)
    raise AssertionError(f"{needle!r} not found")


def offset(text: str, pos: types.Position, encoding: str) -> int:
    all_lines = re.split(r"(\r\n|\r|\n)", text)
    contents, breaks = all_lines[0::2], all_lines[1::2]
    start = sum(
        len(c) + len(b) for c, b in zip(contents[: pos.line], breaks[: pos.line], strict=False)
    )
    line = contents[pos.line]
    seen = 0
    for index, char in enumerate(line):
        if seen >= pos.character:
            return start + index
        seen += units(char, encoding)
    return start + len(line)


def apply_edits(text: str, edits: list[types.TextEdit], encoding: str) -> str:
    spans = sorted(
        (
            (offset(text, e.range.start, encoding), offset(text, e.range.end, encoding), e.new_text)
            for e in edits
        ),
        reverse=True,
    )
    for start, end, new in spans:
        text = text[:start] + new + text[end:]
    return text


def edits_of(action: types.CodeAction, uri: str) -> list[types.TextEdit]:
    assert action.edit is not None
    if action.edit.document_changes:
        out: list[types.TextEdit] = []
        for change in action.edit.document_changes:
            assert isinstance(change, types.TextDocumentEdit)
            assert change.text_document.uri == uri
            out.extend(e for e in change.edits if isinstance(e, types.TextEdit))
        return out
    assert action.edit.changes is not None
    return list(action.edit.changes[uri])
