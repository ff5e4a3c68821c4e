"""``textDocument/didSave``: a saved pyproject.toml may apply now, and the disk changed (the
next check looks at it again); check the file at once."""

from __future__ import annotations

from typing import TYPE_CHECKING

from lsprotocol import types

from ..checks import schedule

if TYPE_CHECKING:
    from ..server import SpmdServer


def did_save(ls: SpmdServer, params: types.DidSaveTextDocumentParams) -> None:
    ls.settings.forget_files()
    ls.engine.workspace.distrust()  # the file on disk changed
    schedule(ls, params.text_document.uri, 0)
