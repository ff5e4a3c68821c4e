"""``workspace/didChangeWatchedFiles``: a pyproject.toml changed; check everything again."""

from __future__ import annotations

from typing import TYPE_CHECKING

from lsprotocol import types

from ..configuration import settings_changed

if TYPE_CHECKING:
    from ..server import SpmdServer


def did_change_watched_files(ls: SpmdServer, params: types.DidChangeWatchedFilesParams) -> None:
    ls.settings.forget_files()
    ls.engine.workspace.distrust()
    settings_changed(ls, ls.settings.editor)
