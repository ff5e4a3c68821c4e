"""JSON-RPC 2.0 over a byte stream with LSP's framing: ``Content-Length: N\r\n\r\n`` + N bytes.

Hand-written (stdlib only) so the harness measures servers without bringing an LSP
client library's own costs or quirks into the numbers.
"""

from __future__ import annotations

import asyncio
import json
from typing import Any

Message = dict[str, Any]


class FramingError(Exception):
    """The stream is not LSP-framed JSON-RPC (a header without Content-Length, bad JSON)."""


def encode(message: Message) -> bytes:
    """One framed message: the header counts bytes of the UTF-8 body, not characters."""
    body = json.dumps(message, separators=(",", ":"), ensure_ascii=False).encode("utf-8")
    return b"Content-Length: %d\r\n\r\n" % len(body) + body


async def read(reader: asyncio.StreamReader) -> tuple[Message, int] | None:
    """The next message and its body's size in bytes, or None at the end of the stream.

    Headers other than Content-Length (Content-Type) are skipped, as the spec allows."""
    length = None
    while True:
        line = await reader.readline()
        if not line:
            return None  # end of stream (between messages, or in a header: the server died)
        if line in (b"\r\n", b"\n"):
            if length is None:
                raise FramingError("a header block without Content-Length")
            break
        name, _, value = line.decode("ascii", "replace").partition(":")
        if name.strip().lower() == "content-length":
            try:
                length = int(value.strip())
            except ValueError as error:
                raise FramingError(f"bad Content-Length: {value.strip()!r}") from error
    try:
        body = await reader.readexactly(length)
    except asyncio.IncompleteReadError:
        return None
    try:
        message = json.loads(body)
    except ValueError as error:
        raise FramingError(f"a body that is not JSON: {body[:80]!r}") from error
    if not isinstance(message, dict):
        raise FramingError("a body that is not a JSON object")
    return message, length
