"""Every handler in one table: its LSP method, its options, and its answer should it fail.

Each handler is a module-level function ``(server, params)`` under ``requests/`` or
``notifications/``. Registered, it is guarded: an exception is logged and the request still
gets an answer (``Feature.default``), a notification is dropped. A request whose parameters
do not parse never reaches it: ``protocol.py`` answers InvalidParams.
"""

from __future__ import annotations

import asyncio
import inspect
import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from lsprotocol import types

from .notifications import (
    did_change,
    did_change_configuration,
    did_change_watched_files,
    did_close,
    did_open,
    did_save,
    initialized,
)
from .requests import (
    code_action,
    diagnostic,
    hover,
    initialize,
    inlay_hint,
    shutdown,
    stats,
    workspace_diagnostic,
)

if TYPE_CHECKING:
    from .server import SpmdServer

log = logging.getLogger(__name__)


def _none() -> None:
    return None


@dataclass(frozen=True)
class Feature:
    method: str
    handler: Callable[[SpmdServer, Any], Any]  # returns the answer, or a coroutine of it
    options: Any = None  # what the server's capabilities announce for it
    default: Callable[[], Any] = _none  # the answer when the handler raised


FEATURES = (
    Feature(types.INITIALIZE, initialize.initialize),
    Feature(types.INITIALIZED, initialized.initialized),
    Feature(types.SHUTDOWN, shutdown.shutdown),
    Feature(types.TEXT_DOCUMENT_DID_OPEN, did_open.did_open),
    Feature(types.TEXT_DOCUMENT_DID_CHANGE, did_change.did_change),
    Feature(types.TEXT_DOCUMENT_DID_SAVE, did_save.did_save),
    Feature(types.TEXT_DOCUMENT_DID_CLOSE, did_close.did_close),
    Feature(
        types.WORKSPACE_DID_CHANGE_CONFIGURATION,
        did_change_configuration.did_change_configuration,
    ),
    Feature(
        types.WORKSPACE_DID_CHANGE_WATCHED_FILES,
        did_change_watched_files.did_change_watched_files,
    ),
    Feature(stats.METHOD, stats.stats, default=dict),
    Feature(types.TEXT_DOCUMENT_HOVER, hover.hover),
    Feature(types.TEXT_DOCUMENT_CODE_ACTION, code_action.code_action, code_action.OPTIONS, list),
    Feature(types.TEXT_DOCUMENT_INLAY_HINT, inlay_hint.inlay_hint, inlay_hint.OPTIONS, list),
    Feature(
        types.TEXT_DOCUMENT_DIAGNOSTIC, diagnostic.diagnostic, diagnostic.OPTIONS, diagnostic.empty
    ),
    Feature(
        types.WORKSPACE_DIAGNOSTIC,
        workspace_diagnostic.workspace_diagnostic,
        default=workspace_diagnostic.empty,
    ),
)


def register(ls: SpmdServer) -> None:
    for feature in FEATURES:
        ls.feature(feature.method, feature.options)(guarded(ls, feature))


def guarded(ls: SpmdServer, feature: Feature) -> Callable[[Any], Any]:
    """The handler bound to the server, as pygls calls it (``handler(params)``), answering
    ``feature.default()`` when it raises."""
    handler, default, name = feature.handler, feature.default, feature.method

    if inspect.iscoroutinefunction(handler):

        async def run_async(params: Any) -> Any:
            try:
                return await handler(ls, params)
            except asyncio.CancelledError:
                raise  # the client cancelled the request: pygls answers it
            except Exception:
                log.exception("%s failed", name)
                return default()

        return run_async

    def run(params: Any) -> Any:
        try:
            return handler(ls, params)
        except Exception:
            log.exception("%s failed", name)
            return default()

    return run
