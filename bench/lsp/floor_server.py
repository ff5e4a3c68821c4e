"""The floor of the stack: a pygls 2 server that does nothing but answer.

It keeps the documents (pygls' own incremental sync), publishes an empty list of
diagnostics for every open and change (with the version), answers pull requests
with an empty report and hovers with a fixed text. What spmd-lsp costs above this
is its own work; what this costs is Python, pygls and JSON-RPC.

    python bench/lsp/floor_server.py      # speaks LSP on stdin/stdout
"""

from __future__ import annotations

from lsprotocol import types
from pygls.lsp.server import LanguageServer

server = LanguageServer("spmd-bench-floor", "1")


def publish(uri: str) -> None:
    document = server.workspace.get_text_document(uri)
    server.text_document_publish_diagnostics(
        types.PublishDiagnosticsParams(uri=uri, diagnostics=[], version=document.version)
    )


@server.feature(types.TEXT_DOCUMENT_DID_OPEN)
def did_open(params: types.DidOpenTextDocumentParams) -> None:
    publish(params.text_document.uri)


@server.feature(types.TEXT_DOCUMENT_DID_CHANGE)
def did_change(params: types.DidChangeTextDocumentParams) -> None:
    publish(params.text_document.uri)


@server.feature(
    types.TEXT_DOCUMENT_DIAGNOSTIC,
    types.DiagnosticOptions(inter_file_dependencies=False, workspace_diagnostics=False),
)
def diagnostic(params: types.DocumentDiagnosticParams) -> types.RelatedFullDocumentDiagnosticReport:
    return types.RelatedFullDocumentDiagnosticReport(items=[])


@server.feature(types.TEXT_DOCUMENT_HOVER)
def hover(params: types.HoverParams) -> types.Hover:
    return types.Hover(contents=types.MarkupContent(kind=types.MarkupKind.PlainText, value="floor"))


if __name__ == "__main__":
    server.start_io()
