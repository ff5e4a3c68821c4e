"""The editor's settings as they arrive (``initializationOptions``, ``workspace/configuration``,
``didChangeConfiguration``) and what a change sets off. The layers themselves, and their
validation, are ``settings.py``."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any, Literal

from lsprotocol import types

from . import checks
from .settings import SECTION, EditorSettings, parse_editor_settings

if TYPE_CHECKING:
    from .server import SpmdServer

log = logging.getLogger(__name__)


def apply_editor_settings(
    ls: SpmdServer, raw: Any, where: str, layer: Literal["init", "workspace"]
) -> bool:
    """Validate and store one layer (its problems are shown); True when the effective
    settings changed."""
    parsed, problems = parse_editor_settings(raw, where)
    for problem in problems:
        ls.warn(problem)
    before = ls.settings.editor
    if layer == "init":
        ls.settings.init_options = parsed
    else:
        ls.settings.workspace = parsed
    after = ls.settings.editor
    if after.log_level:
        logging.getLogger("spmd_lsp").setLevel(after.log_level.upper())
    return before != after


async def fetch_configuration(ls: SpmdServer) -> bool:
    """Ask the client for the ``spmdTypes`` section; True when the settings changed."""
    if not ls.support.configuration:
        return False
    try:
        values = await ls.workspace_configuration_async(
            types.ConfigurationParams(items=[types.ConfigurationItem(section=SECTION)])
        )
    except Exception as error:
        log.warning("workspace/configuration failed: %s", error)
        return False
    value = values[0] if values else None
    return apply_editor_settings(ls, value, "the workspace configuration", "workspace")


def settings_changed(ls: SpmdServer, before: EditorSettings) -> None:
    """Check every open document again, and have the client ask again for what it shows."""
    for doc in ls.documents:
        checks.schedule(ls, doc.uri, 0)
    if ls.pull and ls.support.diagnostic_refresh:
        ls.workspace_diagnostic_refresh(None)
    if before.inlay_hints != ls.settings.editor.inlay_hints and ls.support.inlay_hint_refresh:
        ls.workspace_inlay_hint_refresh(None)
