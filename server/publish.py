"""Diagnostics to the client: a document's own and those other files' checks found in it,
pushed (``publishDiagnostics``) or, to a client that pulls, announced by a refresh request."""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Mapping, Sequence
from typing import TYPE_CHECKING

from lsprotocol import types
from spmd_check.results import Diagnostic

from .diagnostics import convert_all
from .engine import Checked
from .scheduler import Outcome

if TYPE_CHECKING:
    from .server import SpmdServer

_REFRESH_DELAY = 0.05  # one refresh request for everything that changes within this long


def lsp_diagnostics(
    ls: SpmdServer, uri: str, outcome: Outcome[Checked] | None
) -> list[types.Diagnostic]:
    diagnostics, lines = ls.crossfile.diagnostics_for(uri, outcome, ls.documents)
    return convert_all(
        diagnostics,
        uri,
        lines,
        ls.codec,
        ls.documents.lines_of_file,
        ls.settings.editor.docs_url,
    )


def publish(
    ls: SpmdServer, uri: str, outcome: Outcome[Checked] | None, withdraw: bool = False
) -> None:
    """Push the diagnostics of the document's result (with what other files' checks found in
    it); ``withdraw``: an empty list, version None (the document was closed)."""
    items = [] if withdraw else lsp_diagnostics(ls, uri, outcome)
    version = None if withdraw or outcome is None else outcome.version
    ls.text_document_publish_diagnostics(
        types.PublishDiagnosticsParams(uri=uri, diagnostics=items, version=version)
    )


def record_elsewhere(
    ls: SpmdServer, source: str, found: Mapping[str, Sequence[Diagnostic]]
) -> None:
    """Store what a check of ``source`` found in other files, and show it: re-publish the
    files whose share changed, or ask a pull client to pull again."""
    changed = ls.crossfile.record(source, found, ls.documents)
    if not changed:
        return
    if ls.pull:
        ls.refresh.request()
        return
    for uri in changed:
        doc = ls.documents.get(uri)
        last = ls.scheduler.last(uri)
        if doc is not None and (last is None or last.version != doc.version):
            continue  # its own check is under way and will publish everything
        publish(ls, uri, last)


class Refresh:
    """``workspace/diagnostic/refresh``: asks a pull client to pull again, once for everything
    that changes within 50 ms."""

    def __init__(self, send: Callable[[], object], supported: Callable[[], bool]) -> None:
        self._send = send
        self._supported = supported
        self._pending = False

    def request(self) -> None:
        if self._pending or not self._supported():
            return
        self._pending = True
        asyncio.get_running_loop().call_later(_REFRESH_DELAY, self._fire)

    def _fire(self) -> None:
        self._pending = False
        self._send()
