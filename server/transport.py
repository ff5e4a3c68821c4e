"""The message loop over stdio or TCP, sturdier than pygls' own (``pygls.io_.run_async``).

pygls recognises a header only when ``Content-Length: N`` is the whole line. After one frame
whose length is wrong (a client bug, a stray write to the stream), a body that is not followed
by a newline swallows the next header, and so on: every later message is lost and the server
goes deaf while still running. Here a ``Content-Length`` header is found at the end of any
line, so the next well-formed frame resynchronises the stream; an absurd length is refused
instead of being waited for; anything skipped is logged.
"""

from __future__ import annotations

import json
import logging
import re
import threading
from collections.abc import Callable
from typing import Any

log = logging.getLogger(__name__)

MAX_BODY = 512 * 1024 * 1024  # a longer frame is refused (the stream resynchronises after it)
_CONTENT_LENGTH = re.compile(rb"content-length:[ \t]*(\d+)[ \t]*\r?\n?$", re.IGNORECASE)


async def run_async(
    stop_event: threading.Event,
    reader: Any,
    protocol: Any,
    logger: logging.Logger | None = None,
    error_handler: Callable[[Exception, type[Exception]], Any] | None = None,
) -> None:
    """Read frames and hand each message to the protocol (the signature of pygls' loop)."""
    from pygls.exceptions import JsonRpcException

    content_length = 0
    skipped = 0
    while not stop_event.is_set():
        header = await reader.readline()
        if not header:
            break
        if not content_length:
            match = _CONTENT_LENGTH.search(header)
            if match:
                length = int(match.group(1))
                if match.start() > 0 or skipped:
                    log.warning(
                        "skipped %d bytes of garbage before a message header",
                        skipped + match.start(),
                    )
                skipped = 0
                if length > MAX_BODY:
                    log.warning("refused a message of %d bytes (at most %d)", length, MAX_BODY)
                    continue
                content_length = length
                continue
            if header.strip():
                skipped += len(header)
            continue
        if header.strip():
            continue  # another header (Content-Type): ignored
        body = await reader.readexactly(content_length)
        content_length = 0
        if not body:
            break
        try:
            message = json.loads(body, object_hook=protocol.structure_message)
            if message is None or isinstance(message, list | str | int | float):
                log.warning("ignored a message that is not a JSON object: %.80r", body)
                continue
            protocol.handle_message(message)
        except Exception as error:
            log.warning(
                "ignored a message that could not be handled (%s: %s): %.200r",
                type(error).__name__,
                error,
                body,
            )
            if error_handler:
                error_handler(error, JsonRpcException)


def install() -> None:
    """Use this loop for the servers started from this process (pygls looks it up at start)."""
    import pygls.server

    pygls.server.run_async = run_async  # type: ignore[assignment,attr-defined]
