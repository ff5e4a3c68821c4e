"""``textDocument/hover``: answered at once from the last finished check, with the position
mapped back to the checked text and the answer's range forward to the current one. A document
whose only result is the workspace scan's (which keeps no hover facts) waits for its first
check, as inlay hints do."""

from __future__ import annotations

from typing import TYPE_CHECKING

from lsprotocol import types
from spmd_check.results import Span

from .. import hover as text
from ..checks import current
from ..documents import Document
from ..engine import Checked
from ..positions import Codec
from ..scheduler import Outcome

if TYPE_CHECKING:
    from ..server import SpmdServer


async def hover(ls: SpmdServer, params: types.HoverParams) -> types.Hover | None:
    uri = params.text_document.uri
    outcome = ls.scheduler.last(uri)
    if outcome is None or outcome.version is None:
        outcome = await current(ls, uri, ls.options.request_wait)
    doc = ls.documents.get(uri)
    if doc is None or outcome is None:
        return None
    point = _point_in(doc, outcome, params.position, ls.codec)
    if point is None:
        return None
    markdown = ls.support.markdown_hover
    found = ls.facts_of(
        outcome,
        lambda result: text.hover_at(result, outcome.value.lines, *point, markdown=markdown),
    )
    if found is None:
        return None
    value, span = found
    kind = types.MarkupKind.Markdown if markdown else types.MarkupKind.PlainText
    return types.Hover(
        contents=types.MarkupContent(kind=kind, value=value),
        range=_range_from(doc, outcome, span, ls.codec),
    )


def _point_in(
    doc: Document, outcome: Outcome[Checked], position: types.Position, codec: Codec
) -> tuple[int, int] | None:
    """A client position in the current text -> (line, column) in the checked text."""
    line = doc.line_to_version(position.line, outcome.version)
    if line is None or not 0 <= position.line < len(doc.lines):
        return None
    column = codec.from_client_column(doc.lines[position.line], position.character)
    return line, column


def _range_from(
    doc: Document, outcome: Outcome[Checked], span: Span, codec: Codec
) -> types.Range | None:
    """A span of the checked text -> a range in the current text (None if edited since)."""
    start = doc.line_from_version(span.line, outcome.version)
    end = doc.line_from_version(span.end_line, outcome.version)
    if start is None or end is None:
        return None
    return codec.range(doc.lines, Span(start, span.column, end, span.end_column))
