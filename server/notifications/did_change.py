"""``textDocument/didChange``: apply the edits, check the new text (debounced in a burst)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from lsprotocol import types

from ..checks import schedule

if TYPE_CHECKING:
    from ..server import SpmdServer


def did_change(ls: SpmdServer, params: types.DidChangeTextDocumentParams) -> None:
    doc = ls.documents.change(ls.codec, params)
    if doc is not None:
        schedule(ls, doc.uri)
