"""``initialized``: the held warnings shown, the client's configuration fetched, the checker
imported ahead of the first check, dynamic registrations, and the workspace scan started."""

from __future__ import annotations

import asyncio
import logging
from typing import TYPE_CHECKING

from lsprotocol import types

from ..configuration import fetch_configuration, settings_changed
from ..scan import scan_workspace
from ..settings import SECTION

if TYPE_CHECKING:
    from ..server import SpmdServer

log = logging.getLogger(__name__)


async def initialized(ls: SpmdServer, params: types.InitializedParams) -> None:
    ls.warnings.client_initialized()
    try:
        before = ls.settings.editor
        if await fetch_configuration(ls):
            settings_changed(ls, before)
    finally:
        ls.config_ready.set()
    ls.spawn(asyncio.to_thread(ls.engine.preload))
    await _register_dynamic(ls)
    if ls.options.scan_workspace:
        ls.spawn(scan_workspace(ls))


async def _register_dynamic(ls: SpmdServer) -> None:
    """Settings changes and pyproject.toml changes, where the client registers them on request."""
    registrations = []
    if ls.support.dynamic_configuration:
        registrations.append(
            types.Registration(
                id="spmd-lsp-configuration",
                method=types.WORKSPACE_DID_CHANGE_CONFIGURATION,
                register_options=types.DidChangeConfigurationRegistrationOptions(section=SECTION),
            )
        )
    if ls.support.dynamic_watched_files:
        registrations.append(
            types.Registration(
                id="spmd-lsp-pyproject",
                method=types.WORKSPACE_DID_CHANGE_WATCHED_FILES,
                register_options=types.DidChangeWatchedFilesRegistrationOptions(
                    watchers=[types.FileSystemWatcher(glob_pattern="**/pyproject.toml")]
                ),
            )
        )
    if not registrations:
        return
    try:
        await ls.client_register_capability_async(
            types.RegistrationParams(registrations=registrations)
        )
    except Exception as error:
        log.warning("client/registerCapability failed: %s", error)
