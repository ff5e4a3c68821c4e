"""``initialize``: the position encoding, what the client can do, ``initializationOptions``."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from lsprotocol import types

from ..capabilities import ClientSupport
from ..configuration import apply_editor_settings
from ..positions import Codec

if TYPE_CHECKING:
    from ..server import SpmdServer

log = logging.getLogger(__name__)


def initialize(ls: SpmdServer, params: types.InitializeParams) -> None:
    ls.codec = Codec(str(ls.workspace.position_encoding or "utf-16"))
    ls.support = ClientSupport.of(ls.client_capabilities)
    apply_editor_settings(ls, params.initialization_options, "initializationOptions", "init")
    log.info(
        "client %s, encoding %s, %s diagnostics",
        params.client_info,
        ls.codec.encoding,
        "pull" if ls.pull else "push",
    )
