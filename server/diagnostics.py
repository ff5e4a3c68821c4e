"""The checker's diagnostics as LSP diagnostics: ranges in client units, codes with doc links
(``spmd_check.explain.docs_url``: the installed docs page, or the ``docsUrl`` setting)."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from lsprotocol import types
from pygls.uris import from_fs_path
from spmd_check.codes import CODES, Severity
from spmd_check.explain import docs_url
from spmd_check.results import Diagnostic, Span

from .positions import Codec

# What editors show next to each diagnostic: VS Code's Problems panel reads
# "SPMD Types(spmd-partial-nonlinear)", like "Pylance(reportX)"; Neovim's float
# "SPMD Types: message". The code carries the "spmd-" prefix already.
SOURCE = "SPMD Types"

_SEVERITY = {
    Severity.ERROR: types.DiagnosticSeverity.Error,
    Severity.WARNING: types.DiagnosticSeverity.Warning,
    Severity.INFORMATION: types.DiagnosticSeverity.Information,
}

LinesFor = Callable[[str], Sequence[str] | None]


def to_lsp(
    diagnostic: Diagnostic,
    index: int,
    uri: str,
    lines: Sequence[str],
    codec: Codec,
    lines_for: LinesFor | None = None,
    docs_base: str | None = None,
) -> types.Diagnostic:
    """One diagnostic; ``index`` (its place in the result) goes into ``data`` for code actions.
    Its code links to the code's explanation (``docs_base``: the ``docsUrl`` setting)."""
    code = CODES.get(diagnostic.code)
    related: list[types.DiagnosticRelatedInformation] = []
    for item in diagnostic.related:
        if item.path is None:
            other_uri, other_lines = uri, lines
        else:
            other_uri = from_fs_path(item.path) or item.path
            other_lines = (lines_for(item.path) if lines_for else None) or ()
        related.append(
            types.DiagnosticRelatedInformation(
                location=types.Location(uri=other_uri, range=_range(codec, other_lines, item.span)),
                message=item.message,
            )
        )
    return types.Diagnostic(
        range=codec.range(lines, diagnostic.span),
        message=diagnostic.message,
        severity=_SEVERITY.get(diagnostic.severity, types.DiagnosticSeverity.Error),
        code=diagnostic.code,
        code_description=types.CodeDescription(href=docs_url(code.name, docs_base))
        if code
        else None,
        source=SOURCE,
        related_information=related or None,
        data={"index": index},
    )


def _range(codec: Codec, lines: Sequence[str], span: Span) -> types.Range:
    if lines:
        return codec.range(lines, span)
    # the other file's text is unknown: code points are the best guess
    return types.Range(
        start=types.Position(line=span.line, character=span.column),
        end=types.Position(line=span.end_line, character=span.end_column),
    )


def convert_all(
    diagnostics: Sequence[Diagnostic],
    uri: str,
    lines: Sequence[str],
    codec: Codec,
    lines_for: LinesFor | None = None,
    docs_base: str | None = None,
) -> list[types.Diagnostic]:
    return [
        to_lsp(d, i, uri, lines, codec, lines_for, docs_base) for i, d in enumerate(diagnostics)
    ]
