"""``textDocument/inlayHint``: the inferred type after each assignment target, from the
result for the current text (or, if it does not arrive in time, the last one, its hints moved
to the current text and dropped from lines edited since)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from lsprotocol import types

from .. import inlay
from ..checks import current
from ..documents import Document
from ..positions import Codec

if TYPE_CHECKING:
    from ..server import SpmdServer

OPTIONS = types.InlayHintOptions(resolve_provider=False)


async def inlay_hint(ls: SpmdServer, params: types.InlayHintParams) -> list[types.InlayHint]:
    if not ls.settings.inlay_hints:
        return []
    uri = params.text_document.uri
    outcome = await current(ls, uri, ls.options.request_wait)
    doc = ls.documents.get(uri)
    if doc is None or outcome is None:
        return []
    first = doc.line_to_version(params.range.start.line, outcome.version)
    last = doc.line_to_version(params.range.end.line, outcome.version)
    found = ls.facts_of(
        outcome,
        lambda result: inlay.hints(
            result,
            first if first is not None else 0,
            last if last is not None else len(outcome.value.lines),
        ),
    )
    placed = (_placed(hint, doc, outcome.version, params.range, ls.codec) for hint in found)
    return [hint for hint in placed if hint is not None]


def _placed(
    hint: inlay.Hint, doc: Document, version: int | None, asked: types.Range, codec: Codec
) -> types.InlayHint | None:
    """A hint of the checked text (``version``) at its place in the current text; None when
    its line was edited since or lies outside the range asked for."""
    line = doc.line_from_version(hint.line, version)
    if line is None or not asked.start.line <= line <= asked.end.line or line >= len(doc.lines):
        return None
    return types.InlayHint(
        position=types.Position(
            line=line, character=codec.to_client_column(doc.lines[line], hint.column)
        ),
        label=hint.label,
        kind=types.InlayHintKind.Type,
        tooltip=hint.tooltip,
        padding_left=False,
    )
