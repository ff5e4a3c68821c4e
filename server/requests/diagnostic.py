"""``textDocument/diagnostic`` (pull): the diagnostics for the document's current version
(waiting for its check), or "unchanged" when the client already has them."""

from __future__ import annotations

from typing import TYPE_CHECKING

from lsprotocol import types

from ..checks import schedule
from ..engine import Checked
from ..publish import lsp_diagnostics
from ..scheduler import Outcome

if TYPE_CHECKING:
    from ..server import SpmdServer

OPTIONS = types.DiagnosticOptions(
    identifier="spmd", inter_file_dependencies=False, workspace_diagnostics=True
)

Report = types.RelatedFullDocumentDiagnosticReport | types.RelatedUnchangedDocumentDiagnosticReport


def empty() -> types.RelatedFullDocumentDiagnosticReport:
    return types.RelatedFullDocumentDiagnosticReport(items=[])


def result_id(outcome: Outcome[Checked] | None, elsewhere: int = 0, docs: str | None = None) -> str:
    """Equal for equal inputs (text, settings, what other files' checks found in this one, the
    docs links' base), so a re-pull can answer "unchanged"."""
    if outcome is None:
        return f"-:{elsewhere}"
    inputs = hash((outcome.job.text, outcome.value.config, elsewhere, docs)) & 0xFFFFFFFFFFFF
    return f"{outcome.version}:{inputs:x}"


async def diagnostic(ls: SpmdServer, params: types.DocumentDiagnosticParams) -> Report:
    uri = params.text_document.uri
    await ls.ready()
    doc = ls.documents.get(uri)
    if doc is not None and ls.scheduler.last(uri) is None and not ls.scheduler.pending(uri):
        schedule(ls, uri, 0)
    outcome = await ls.scheduler.wait(uri) if ls.scheduler.pending(uri) else ls.scheduler.last(uri)
    if outcome is None and uri not in ls.crossfile.targets():
        return empty()
    found = result_id(outcome, ls.crossfile.epoch(uri), ls.settings.editor.docs_url)
    if params.previous_result_id == found:
        return types.RelatedUnchangedDocumentDiagnosticReport(result_id=found)
    return types.RelatedFullDocumentDiagnosticReport(
        items=lsp_diagnostics(ls, uri, outcome), result_id=found
    )
