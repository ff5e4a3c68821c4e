"""The server's log, in the editor's output at the right level.

An editor shows what a server writes on stderr as it sees fit: VS Code's language client
writes it to the output channel as errors, whatever the line says, so a pygls warning read
"[error] ... WARNING pygls.protocol.json_rpc: Cancel notification for unknown message id".
Once the client has sent ``initialize``, every record goes to it as ``window/logMessage``
with the type of its level instead (error, warning, info; debug as log), and the editor files it
under that level (vscode-languageclient 11: ``outputChannel.error`` for every stderr line,
the message's own level for ``window/logMessage``). Before that, the handler the command
line set up writes it (stderr; with ``--log-file``, only that file has the log).

pygls warns about a client's routine: cancelling a request that was answered already (VS
Code does it all the time), a ``$/`` notification the server has no handler for (which the
protocol says a server may ignore). Those are debug records here.
"""

from __future__ import annotations

import asyncio
import logging
import threading
from collections.abc import Callable

from lsprotocol import types

STARTUP = "spmd_lsp.startup"  # what the server says once at start-up, whatever the level
CLIENT_FORMAT = "%(name)s: %(message)s"  # the editor adds the time and the level

_TYPES = (
    (logging.ERROR, types.MessageType.Error),
    (logging.WARNING, types.MessageType.Warning),
    (logging.INFO, types.MessageType.Info),
)
_ROUTINE = (
    "Cancel notification for unknown message id",
    "Ignoring notification for unknown method '$/",
)


def message_type(level: int) -> types.MessageType:
    for threshold, kind in _TYPES:
        if level >= threshold:
            return kind
    # Log, not Debug: VS Code's log output channel hides Debug messages unless its own level
    # is lowered, so spmdTypes.logLevel "debug" would show nothing more; a Log message is
    # written as it is.
    return types.MessageType.Log


def routine(record: logging.LogRecord) -> bool:
    """A pygls warning about what clients routinely do."""
    if not record.name.startswith("pygls") or record.levelno != logging.WARNING:
        return False
    message = record.getMessage()
    return message.startswith(_ROUTINE)


class Demote(logging.Filter):
    """pygls' warnings about a client's routine become debug records (dropped unless the
    log level is debug)."""

    def filter(self, record: logging.LogRecord) -> bool:
        if routine(record):
            record.levelno, record.levelname = logging.DEBUG, "DEBUG"
            return logging.getLogger().isEnabledFor(logging.DEBUG)
        return True


class ClientLog(logging.Handler):
    """Sends each record to the client as ``window/logMessage`` once ``connect`` was called
    (on the event loop); until then, and for a record raised while one is being sent, the
    ``fallback`` handler has it."""

    def __init__(self, fallback: logging.Handler) -> None:
        super().__init__()
        self.fallback = fallback
        self._send: Callable[[types.LogMessageParams], None] | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._loop_thread: int | None = None
        self._sending = threading.local()
        self.addFilter(Demote())
        self.setFormatter(logging.Formatter(CLIENT_FORMAT))

    def connect(self, send: Callable[[types.LogMessageParams], None]) -> None:
        """From now on, records go to the client through ``send`` (called on the loop)."""
        self._loop = asyncio.get_running_loop()
        self._loop_thread = threading.get_ident()
        self._send = send

    def emit(self, record: logging.LogRecord) -> None:
        send, loop = self._send, self._loop
        if send is None or loop is None or getattr(self._sending, "active", False):
            if not getattr(self._sending, "active", False):
                self.fallback.handle(record)
            return  # what sending a record logs (pygls' debug lines) is not sent again
        try:
            params = types.LogMessageParams(
                type=message_type(record.levelno), message=self.format(record)
            )
        except Exception:
            self.handleError(record)
            return
        if threading.get_ident() == self._loop_thread:
            self._deliver(send, params, record)
        else:
            try:
                loop.call_soon_threadsafe(self._deliver, send, params, record)
            except RuntimeError:  # the loop is closed: the server is exiting
                self.fallback.handle(record)

    def _deliver(
        self,
        send: Callable[[types.LogMessageParams], None],
        params: types.LogMessageParams,
        record: logging.LogRecord,
    ) -> None:
        self._sending.active = True
        try:
            send(params)
        except Exception:  # the connection is gone: the fallback still has it
            self.fallback.handle(record)
        finally:
            self._sending.active = False


def connect(send: Callable[[types.LogMessageParams], None]) -> None:
    """Send the log to the client from now on (called on the loop, once ``initialize``
    arrived): every ``ClientLog`` of the root logger."""
    for handler in logging.getLogger().handlers:
        if isinstance(handler, ClientLog):
            handler.connect(send)


def install(fallback: logging.Handler) -> ClientLog:
    """The root logger's handler: ``fallback`` until the client connects, then the client."""
    handler = ClientLog(fallback)
    logging.getLogger().handlers[:] = [handler]
    logging.getLogger(STARTUP).setLevel(logging.INFO)
    return handler
