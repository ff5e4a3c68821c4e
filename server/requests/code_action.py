"""``textDocument/codeAction``: the checker's fixes for the diagnostics in the request, only
those that leave the code correct, and an ignore comment for each.

A fix is offered when the result for the current text arrives in time, and after
``spmd_check.repair.verify_fixes`` applied it to that text and checked it again (on the
worker thread, between checks): the diagnostic is gone and no new error appears. A fix
that would break the code further down (``examples/planted_bug.py``: an ``all_reduce``
whose operand a later ``all_reduce`` reduces again) is extended or left out."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from lsprotocol import types
from spmd_check.results import Diagnostic

from .. import actions
from ..checks import current

if TYPE_CHECKING:
    from ..engine import Checked
    from ..scheduler import Outcome
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
    diagnostics: list[Diagnostic] | None = None
    if outcome is not None and outcome.version == doc.version:
        found = ls.crossfile.diagnostics_for(uri, outcome, ls.documents)[0]
        diagnostics = await _verified(ls, params.context, outcome, found, doc.lines)
        doc = ls.documents.get(uri)
        if doc is None or doc.version != outcome.version:
            diagnostics = None  # edited meanwhile: the fixes' edits are for the old text
        if doc is None:
            return []
    return actions.code_actions(
        params.context,
        uri,
        doc.version,
        doc.lines,
        doc.text,
        diagnostics,
        ls.codec,
        ls.support.document_changes,
    )


async def _verified(
    ls: SpmdServer,
    context: types.CodeActionContext,
    outcome: Outcome[Checked],
    diagnostics: list[Diagnostic],
    lines: Sequence[str],
) -> list[Diagnostic]:
    """``diagnostics`` with the fixes of those the request asks about verified."""
    wanted: dict[int, Diagnostic] = {}
    for asked in context.diagnostics:
        match = actions.match(asked, diagnostics, lines, ls.codec)
        if match is not None and match.fixes:
            index = next(k for k, d in enumerate(diagnostics) if d is match)
            wanted[index] = match
    if not wanted:
        return diagnostics
    checked = outcome.value
    path, text = outcome.job.path, outcome.job.text

    def verify() -> dict[int, Diagnostic]:
        return {
            index: ls.engine.verify(path, text, checked.config, diagnostic, checked.result)
            for index, diagnostic in wanted.items()
        }

    verified = await ls.scheduler.exclusive(verify)
    return [verified.get(index, d) for index, d in enumerate(diagnostics)]
