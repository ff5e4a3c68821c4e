"""Code actions: the checker's fixes for the diagnostics in the request, and an ignore comment.

A diagnostic in the request's context is matched to the checker's by its
range and code (``data.index`` first, when the client sends data back). Each
``Fix`` becomes one quick fix; every diagnostic also gets an action that
appends ``  # spmd: ignore[code]`` to its line, or adds the code to an
``# spmd: ignore[...]`` comment already there.
"""

from __future__ import annotations

import enum
import io
import re
import tokenize
from collections.abc import Sequence
from dataclasses import dataclass, field

from lsprotocol import types
from spmd_check.codes import CODES
from spmd_check.results import Diagnostic, Fix

from .diagnostics import SOURCE
from .positions import Codec

IGNORE = re.compile(r"#\s*spmd:\s*ignore(?:\[(?P<codes>[^\]]*)\])?")


@dataclass
class LineInfo:
    """Where comments start, and which lines end inside a string (no comment can go there)."""

    comments: dict[int, int] = field(default_factory=dict)
    in_string: set[int] = field(default_factory=set)
    reached: int = -1  # the last line the tokenizer got through


def scan(text: str) -> LineInfo:
    info = LineInfo()
    try:
        for token in tokenize.generate_tokens(io.StringIO(text).readline):
            (start_line, start_col), (end_line, _) = token.start, token.end
            if token.type == tokenize.COMMENT:
                info.comments[start_line - 1] = start_col
            elif token.type == tokenize.STRING and end_line > start_line:
                info.in_string.update(range(start_line - 1, end_line - 1))
            info.reached = max(info.reached, end_line - 2)
    except (tokenize.TokenError, SyntaxError):
        pass  # mid-typing: keep what was read, guess the rest
    return info


def _guess_comment(line: str) -> int | None:
    """The start of a comment on a line the tokenizer did not reach (quotes tracked roughly)."""
    quote: str | None = None
    escaped = False
    for index, char in enumerate(line):
        if quote:
            if escaped:
                escaped = False
            elif char == "\\":
                escaped = True
            elif char == quote:
                quote = None
        elif char in "'\"":
            quote = char
        elif char == "#":
            return index
    return None


def ignore_edit(
    lines: Sequence[str], info: LineInfo, line: int, code: str
) -> tuple[int, int, str] | None:
    """(start column, end column, new text) on ``line`` that ignores ``code``; None if impossible."""
    if not 0 <= line < len(lines) or line in info.in_string:
        return None
    text = lines[line]
    comment = info.comments.get(line) if line <= info.reached else _guess_comment(text)
    if comment is not None:
        match = IGNORE.search(text, comment)
        if match:
            codes_text = match.group("codes")
            if codes_text is None:
                return None  # a bare ignore already covers every code
            codes = [c.strip() for c in codes_text.split(",") if c.strip()]
            if code in codes:
                return None
            start = match.start("codes")
            return (start, match.end("codes"), ", ".join([*codes, code]))
    end = len(text.rstrip())
    return (end, len(text), f"  # spmd: ignore[{code}]")


def _workspace_edit(
    uri: str, version: int | None, edits: list[types.TextEdit], document_changes: bool
) -> types.WorkspaceEdit:
    if document_changes:
        return types.WorkspaceEdit(
            document_changes=[
                types.TextDocumentEdit(
                    text_document=types.OptionalVersionedTextDocumentIdentifier(
                        uri=uri, version=version
                    ),
                    edits=list(edits),
                )
            ]
        )
    return types.WorkspaceEdit(changes={uri: edits})


def _same_range(a: types.Range, b: types.Range) -> bool:
    return (a.start.line, a.start.character, a.end.line, a.end.character) == (
        b.start.line,
        b.start.character,
        b.end.line,
        b.end.character,
    )


def match(
    wanted: types.Diagnostic, diagnostics: Sequence[Diagnostic], lines: Sequence[str], codec: Codec
) -> Diagnostic | None:
    """The checker's diagnostic that the client's diagnostic stands for."""
    data = wanted.data
    if isinstance(data, dict) and isinstance(data.get("index"), int):
        index = data["index"]
        if 0 <= index < len(diagnostics):
            candidate = diagnostics[index]
            if candidate.code == wanted.code and _same_range(
                codec.range(lines, candidate.span), wanted.range
            ):
                return candidate
    for candidate in diagnostics:
        if candidate.code == wanted.code and _same_range(
            codec.range(lines, candidate.span), wanted.range
        ):
            return candidate
    return None


def fix_action(
    fix: Fix,
    diagnostic: types.Diagnostic,
    uri: str,
    version: int | None,
    lines: Sequence[str],
    codec: Codec,
    document_changes: bool,
) -> types.CodeAction:
    edits = [
        types.TextEdit(range=codec.range(lines, e.span), new_text=e.new_text) for e in fix.edits
    ]
    return types.CodeAction(
        title=fix.title,
        kind=types.CodeActionKind.QuickFix,
        diagnostics=[diagnostic],
        is_preferred=fix.preferred,
        edit=_workspace_edit(uri, version, edits, document_changes),
    )


def ignore_action(
    diagnostic: types.Diagnostic,
    uri: str,
    version: int | None,
    lines: Sequence[str],
    info: LineInfo,
    codec: Codec,
    document_changes: bool,
) -> types.CodeAction | None:
    code = diagnostic.code
    if not isinstance(code, str) or code not in CODES:
        return None
    line = diagnostic.range.start.line
    edit = ignore_edit(lines, info, line, code)
    if edit is None:
        return None
    start, end, new_text = edit
    text = lines[line]
    rng = types.Range(
        start=types.Position(line=line, character=codec.to_client_column(text, start)),
        end=types.Position(line=line, character=codec.to_client_column(text, end)),
    )
    return types.CodeAction(
        title=f"Ignore {code} on this line",
        kind=types.CodeActionKind.QuickFix,
        diagnostics=[diagnostic],
        is_preferred=False,
        edit=_workspace_edit(
            uri, version, [types.TextEdit(range=rng, new_text=new_text)], document_changes
        ),
    )


def _wants_quickfix(kind: object) -> bool:
    value = kind.value if isinstance(kind, enum.Enum) else str(kind)
    return value in ("", "quickfix") or "quickfix".startswith(f"{value}.")


def code_actions(
    context: types.CodeActionContext,
    uri: str,
    version: int | None,
    lines: Sequence[str],
    text: str,
    diagnostics: Sequence[Diagnostic] | None,
    codec: Codec,
    document_changes: bool,
) -> list[types.CodeAction]:
    """The actions for the request's diagnostics. ``diagnostics`` is the checker's result for
    exactly this text, or None when there is none (then only ignore comments are offered)."""
    if context.only and not any(_wants_quickfix(kind) for kind in context.only):
        return []
    actions: list[types.CodeAction] = []
    info: LineInfo | None = None
    for wanted in context.diagnostics:
        if (
            wanted.source not in (None, SOURCE)
            or not isinstance(wanted.code, str)
            or wanted.code not in CODES
        ):
            continue
        if diagnostics is not None:
            found = match(wanted, diagnostics, lines, codec)
            if found is not None:
                for fix in found.fixes:
                    actions.append(
                        fix_action(fix, wanted, uri, version, lines, codec, document_changes)
                    )
        if info is None:
            info = scan(text)
        ignore = ignore_action(wanted, uri, version, lines, info, codec, document_changes)
        if ignore is not None:
            actions.append(ignore)
    return actions
