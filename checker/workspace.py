"""The workspace: where a module's imports live, and their text.

A module name resolves to a file under an import root: the folder that holds
the importer's top-level package (the highest folder chain with
``__init__.py`` files), and the importer's own folder. Text comes from the
open documents first (the editor's unsaved buffers), then from disk. No user
code is ever imported or run.
"""

from __future__ import annotations

import threading
from pathlib import Path


class Workspace:
    def __init__(self) -> None:
        self._open: dict[str, str] = {}
        self._lock = threading.Lock()

    def set_document(self, path: str, text: str | None) -> None:
        """An open document's current text (None: closed, read it from disk again)."""
        key = _key(path)
        with self._lock:
            if text is None:
                self._open.pop(key, None)
            else:
                self._open[key] = text

    def read(self, path: Path) -> str | None:
        key = _key(str(path))
        with self._lock:
            if key in self._open:
                return self._open[key]
        try:
            data = path.read_bytes()
        except OSError:
            return None
        if len(data) > 5_000_000:
            return None  # not a module anyone imports
        try:
            return data.decode("utf-8")
        except UnicodeDecodeError:
            return None

    def package_of(self, path: str) -> str | None:
        """The dotted package a module belongs to ("" for a top-level module), None if the
        path is not a file on disk."""
        file = Path(path)
        if file.suffix != ".py":
            return None
        parts: list[str] = []
        folder = file.parent
        while (folder / "__init__.py").is_file():
            parts.append(folder.name)
            if folder.parent == folder:
                break
            folder = folder.parent
        return ".".join(reversed(parts))

    def roots(self, importer: str) -> list[Path]:
        file = Path(importer)
        folder = file.parent
        top = folder
        while (top / "__init__.py").is_file() and top.parent != top:
            top = top.parent
        return [top, folder] if top != folder else [folder]

    def resolve(self, importer: str, module: str) -> Path | None:
        """The file of a module of the workspace, or None (an installed or unknown module)."""
        if not module or module.startswith("."):
            return None
        parts = module.split(".")
        for root in self.roots(importer):
            base = root.joinpath(*parts)
            for candidate in (base.with_suffix(".py"), base / "__init__.py"):
                if candidate.is_file():
                    return candidate
        return None


def _key(path: str) -> str:
    try:
        return str(Path(path).resolve())
    except OSError:
        return path
