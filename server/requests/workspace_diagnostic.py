"""``workspace/diagnostic`` (pull): the diagnostics of the files that are not open, those of
the workspace scan and those other files' checks found errors in."""

from __future__ import annotations

from typing import TYPE_CHECKING

from lsprotocol import types

from ..publish import lsp_diagnostics
from .diagnostic import result_id

if TYPE_CHECKING:
    from ..server import SpmdServer

Item = (
    types.WorkspaceFullDocumentDiagnosticReport | types.WorkspaceUnchangedDocumentDiagnosticReport
)


def empty() -> types.WorkspaceDiagnosticReport:
    return types.WorkspaceDiagnosticReport(items=[])


def workspace_diagnostic(
    ls: SpmdServer, params: types.WorkspaceDiagnosticParams
) -> types.WorkspaceDiagnosticReport:
    items: list[Item] = []
    targets = ls.crossfile.targets()
    for uri in sorted(ls.scanned | targets):
        if uri in ls.documents:
            continue
        outcome = ls.scheduler.last(uri)
        if outcome is None and uri not in targets:
            continue
        items.append(
            types.WorkspaceFullDocumentDiagnosticReport(
                uri=uri,
                version=None,
                items=lsp_diagnostics(ls, uri, outcome),
                result_id=result_id(outcome, ls.crossfile.epoch(uri), ls.settings.editor.docs_url),
            )
        )
    return types.WorkspaceDiagnosticReport(items=items)
