"""``textDocument/didOpen``: keep the text, show a stored result of it (``cached.py``), check
it at once (with the client's configuration, once it is known)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from lsprotocol import types

from ..cached import publish_stored
from ..checks import schedule

if TYPE_CHECKING:
    from ..server import SpmdServer


async def did_open(ls: SpmdServer, params: types.DidOpenTextDocumentParams) -> None:
    ls.documents.open(params.text_document)
    ls.engine.workspace.distrust()  # the file may be new on disk
    await ls.ready()
    await publish_stored(ls, params.text_document.uri)  # a stored result, until the check's
    schedule(ls, params.text_document.uri, 0)
