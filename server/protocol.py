"""The JSON-RPC side: pygls' protocol, with three changes.

The server keeps the documents' text itself (``documents.py``), so open, change and close go
straight to its handlers; a request whose parameters fail to parse is answered with an
InvalidParams error instead of being dropped (a notification is dropped, and logged); and the
futures of finished notification handlers are let go.

pygls 2.1 files the future of every handler it runs under a message id, and takes it out when
it answers a request; a notification has nobody to answer, so its future (and the future of
every handler a generator handler yields) stayed filed for good: one per keystroke, a
``concurrent.futures.Future`` with its lock and condition, ~1.5 KiB each, plus whatever its
result holds (``tests/reliability/test_rel_memory.py``). After each message, the finished ones
are dropped. A finished future of a request is dropped too: its answer is sent by its own
callback, which holds it, so nothing is lost.
"""

from __future__ import annotations

import logging
from typing import Any

from lsprotocol import types
from pygls.exceptions import JsonRpcException
from pygls.protocol import LanguageServerProtocol
from pygls.protocol.language_server import lsp_method

log = logging.getLogger(__name__)

_IGNORED = object()  # a message that failed to parse and has been answered already


class SpmdProtocol(LanguageServerProtocol):
    @lsp_method(types.TEXT_DOCUMENT_DID_OPEN)
    def lsp_text_document__did_open(self, params: types.DidOpenTextDocumentParams) -> Any:
        if (handler := self.fm.features.get(types.TEXT_DOCUMENT_DID_OPEN)) is not None:
            yield handler, (params,), None

    @lsp_method(types.TEXT_DOCUMENT_DID_CHANGE)
    def lsp_text_document__did_change(self, params: types.DidChangeTextDocumentParams) -> Any:
        if (handler := self.fm.features.get(types.TEXT_DOCUMENT_DID_CHANGE)) is not None:
            yield handler, (params,), None

    @lsp_method(types.TEXT_DOCUMENT_DID_CLOSE)
    def lsp_text_document__did_close(self, params: types.DidCloseTextDocumentParams) -> Any:
        if (handler := self.fm.features.get(types.TEXT_DOCUMENT_DID_CLOSE)) is not None:
            yield handler, (params,), None

    def structure_message(self, data: dict[str, Any]) -> Any:
        try:
            return super().structure_message(data)
        except JsonRpcException as error:
            if "id" in data and "method" in data:
                log.warning("invalid parameters for %s: answered with an error", data.get("method"))
                self._send_response(data["id"], None, error.to_response_error())
            else:
                log.warning("invalid notification %s ignored", data.get("method"))
            return _IGNORED

    def handle_message(self, message: Any) -> None:
        if message is not _IGNORED:
            super().handle_message(message)
        self._drop_finished_handlers()

    def filed_handlers(self) -> int | None:
        """How many handler futures pygls holds (the requests still being answered); None if
        this pygls keeps them elsewhere."""
        filed = self._filed()
        return None if filed is None else len(filed)

    def _drop_finished_handlers(self) -> None:
        filed = self._filed()
        if filed is None:
            return
        for key in [key for key, future in filed.items() if future.done()]:
            del filed[key]

    def _filed(self) -> dict[Any, Any] | None:
        # a private table of pygls 2.1: a pygls that renamed it leaks as before, but still
        # answers (the memory soak's assertion on filed_handlers says so)
        try:
            filed = self._request_futures
        except AttributeError:
            return None
        return filed if isinstance(filed, dict) else None
