"""``initialize``: the position encoding, what the client can do, ``initializationOptions``; the
log to the client from now on, which spmd-types the checker models (and a warning when the
environment has another one)."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from lsprotocol import types
from spmd_check import version

from .. import __version__, logs
from ..capabilities import ClientSupport
from ..configuration import apply_editor_settings
from ..positions import Codec

if TYPE_CHECKING:
    from ..server import SpmdServer

log = logging.getLogger(__name__)


def initialize(ls: SpmdServer, params: types.InitializeParams) -> None:
    logs.connect(ls.window_log_message)
    installed = version.installed_spmd_types()
    logging.getLogger(logs.STARTUP).info(
        "spmd-lsp %s, %s; spmd-types installed here: %s",
        __version__,
        version.version_text(),
        installed or "none",
    )
    mismatch = version.runtime_mismatch()
    if mismatch:
        ls.warn(f"spmd-lsp: {mismatch}")
    ls.codec = Codec(str(ls.workspace.position_encoding or "utf-16"))
    ls.support = ClientSupport.of(ls.client_capabilities)
    apply_editor_settings(ls, params.initialization_options, "initializationOptions", "init")
    log.info(
        "client %s, encoding %s, %s diagnostics",
        params.client_info,
        ls.codec.encoding,
        "pull" if ls.pull else "push",
    )
