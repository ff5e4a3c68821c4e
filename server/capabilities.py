"""What the client can do, read once from its ``initialize`` capabilities into plain flags.

Before ``initialize`` every flag has its default: push diagnostics, Markdown hovers, and no
optional request the server might send.
"""

from __future__ import annotations

from dataclasses import dataclass

from lsprotocol import types


@dataclass(frozen=True)
class ClientSupport:
    pull_diagnostics: bool = False  # textDocument/diagnostic: the client pulls, nothing is pushed
    diagnostic_refresh: bool = False  # workspace/diagnostic/refresh
    inlay_hint_refresh: bool = False  # workspace/inlayHint/refresh
    markdown_hover: bool = True
    document_changes: bool = False  # versioned edits in a WorkspaceEdit
    configuration: bool = False  # workspace/configuration
    work_done_progress: bool = False  # window/workDoneProgress/create
    dynamic_configuration: bool = False  # registration of didChangeConfiguration
    dynamic_watched_files: bool = False  # registration of didChangeWatchedFiles

    @classmethod
    def of(cls, capabilities: types.ClientCapabilities) -> ClientSupport:
        text = capabilities.text_document
        workspace = capabilities.workspace
        window = capabilities.window
        formats = text.hover.content_format if text is not None and text.hover else None
        edit = workspace.workspace_edit if workspace is not None else None
        diagnostics = workspace.diagnostics if workspace is not None else None
        inlay = workspace.inlay_hint if workspace is not None else None
        did_configure = workspace.did_change_configuration if workspace is not None else None
        did_watch = workspace.did_change_watched_files if workspace is not None else None
        return cls(
            pull_diagnostics=text is not None and text.diagnostic is not None,
            diagnostic_refresh=bool(diagnostics and diagnostics.refresh_support),
            inlay_hint_refresh=bool(inlay and inlay.refresh_support),
            markdown_hover=formats is None or types.MarkupKind.Markdown in formats,
            document_changes=bool(edit and edit.document_changes),
            configuration=bool(workspace and workspace.configuration),
            work_done_progress=bool(window and window.work_done_progress),
            dynamic_configuration=bool(did_configure and did_configure.dynamic_registration),
            dynamic_watched_files=bool(did_watch and did_watch.dynamic_registration),
        )
