"""``textDocument/codeAction``: the checker's fixes for the diagnostics in the request (when
the result for the current text arrives in time) and an ignore comment for each."""

from __future__ import annotations

from typing import TYPE_CHECKING

from lsprotocol import types

from .. import actions
from ..checks import current

if TYPE_CHECKING:
    from ..server import SpmdServer

OPTIONS = types.CodeActionOptions(code_action_kinds=[types.CodeActionKind.QuickFix])


async def code_action(ls: SpmdServer, params: types.CodeActionParams) -> list[types.CodeAction]:
    uri = params.text_document.uri
    doc = ls.documents.get(uri)
    if doc is None or not params.context.diagnostics:
        return []
    outcome = await current(ls, uri, ls.options.request_wait)
    doc = ls.documents.get(uri)
    if doc is None:
        return []
    fresh = outcome is not None and outcome.version == doc.version
    return actions.code_actions(
        params.context,
        uri,
        doc.version,
        doc.lines,
        doc.text,
        ls.crossfile.diagnostics_for(uri, outcome, ls.documents)[0] if fresh and outcome else None,
        ls.codec,
        ls.support.document_changes,
    )
