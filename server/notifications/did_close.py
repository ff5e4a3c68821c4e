"""``textDocument/didClose``: forget the document; its importers read it from disk again, its
diagnostics and what its checks found in other files are withdrawn."""

from __future__ import annotations

from typing import TYPE_CHECKING

from lsprotocol import types

from ..checks import recheck_dependents
from ..publish import publish, record_elsewhere

if TYPE_CHECKING:
    from ..server import SpmdServer


def did_close(ls: SpmdServer, params: types.DidCloseTextDocumentParams) -> None:
    uri = params.text_document.uri
    doc = ls.documents.close(uri)
    ls.engine.workspace.distrust()  # its importers read it from disk now, as it is there
    ls.scheduler.forget(uri)
    if doc is not None and doc.path:
        ls.engine.set_document(doc.path, None)
        recheck_dependents(ls, doc.path, uri)  # the files that import it now read it from disk
    if not ls.pull:
        publish(ls, uri, None, withdraw=True)
    record_elsewhere(ls, uri, {})  # what its checks found in other files goes too
