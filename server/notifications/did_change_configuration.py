"""``workspace/didChangeConfiguration``: read the settings again (asked for, or as sent) and,
if they changed, check everything again."""

from __future__ import annotations

from typing import TYPE_CHECKING

from lsprotocol import types

from ..configuration import apply_editor_settings, fetch_configuration, settings_changed

if TYPE_CHECKING:
    from ..server import SpmdServer


async def did_change_configuration(
    ls: SpmdServer, params: types.DidChangeConfigurationParams
) -> None:
    before = ls.settings.editor
    if ls.support.configuration:
        changed = await fetch_configuration(ls)
    else:
        changed = apply_editor_settings(
            ls, params.settings, "the workspace configuration", "workspace"
        )
    if changed:
        settings_changed(ls, before)
