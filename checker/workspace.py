"""The workspace: where a module's imports live, and their text.

A module name resolves as Python resolves it: to a file under an import root. For a
module inside a package, the root is the folder that holds its top-level package (the
highest folder chain with ``__init__.py`` files); a top-level module (a script) has its
own folder as root, as ``python script.py`` puts it on ``sys.path``. A module inside a
package never sees its own folder as a root, so a package module named ``spmd_types.py``
does not shadow the library for its siblings' ``import spmd_types``. The libraries whose
semantics the checker knows (``torch``, ``spmd_types``) never resolve to workspace files.
Text comes from the open documents first (the editor's unsaved buffers), then from disk.
No user code is ever imported or run.
"""

from __future__ import annotations

import functools
import hashlib
import os
import threading
import time
from collections.abc import Callable
from pathlib import Path

from .filesystem import Lookups, Moment

# Their semantics are the checker's own tables: a copy of their source in the workspace
# (a checkout of the library, a vendored copy) is never read in their place.
KNOWN_LIBRARIES = frozenset({"torch", "spmd_types"})


def digest(text: str) -> str:
    """A short digest of a text (what caches compare texts by)."""
    return hashlib.blake2b(text.encode("utf-8", errors="surrogatepass"), digest_size=12).hexdigest()


class Workspace:
    """The modules checks read: open documents' texts first, then the disk.

    ``trust_seconds``: how long one look at the disk (a ``filesystem.Moment``: which files
    and folders exist, their times) serves the checks that follow it. 0, the default, looks
    again at every check. The server trusts a look for a moment while the user types
    (validating a real framework's imports was a fifth of a keystroke) and drops it when the
    editor says files changed (``distrust``)."""

    def __init__(self, trust_seconds: float = 0.0) -> None:
        self.trust_seconds = trust_seconds
        self._moment: Moment | None = None
        self._open: dict[str, str] = {}
        # the open documents whose text was set, in order (``changed_since``); the first
        # entry's mark is ``_log_start``
        self._log: list[str] = []
        self._log_start = 0
        self._lock = threading.Lock()
        # digests of open texts (by the text object) and of files (by their stat): a check
        # asks whether each module it imports changed, which must not cost a read each time
        self._open_digests: dict[str, tuple[str, str]] = {}
        self._file_digests: dict[str, tuple[tuple[int, int, int], str]] = {}
        # which files exist, remembered while the folders looked in are unchanged: a check
        # validates every import of every module it loaded
        self._imports: Lookups[str | None] = Lookups()
        self._packages: Lookups[str] = Lookups()

    def moment(self) -> Moment:
        """The file system as a check sees it: the last look, while it is trusted, else a
        new one."""
        with self._lock:
            moment = self._moment
            if moment is None or time.monotonic() - moment.born >= self.trust_seconds:
                moment = self._moment = Moment()
            return moment

    def distrust(self) -> None:
        """Files may have changed on disk: the next check looks again."""
        with self._lock:
            self._moment = None

    def set_document(self, path: str, text: str | None) -> None:
        """An open document's current text (None: closed, read it from disk again)."""
        key = path_key(path)
        with self._lock:
            self._open_digests.pop(key, None)
            if text is None:
                self._open.pop(key, None)
            else:
                self._open[key] = text
            self._log.append(key)
            if len(self._log) > _LOG_LIMIT:  # marks older than what is kept know nothing
                self._log_start += len(self._log)
                self._log.clear()

    def is_open(self, path: str) -> bool:
        """Whether the path's text is an open document's (it may change at any time)."""
        key = path_key(path)
        with self._lock:
            return key in self._open

    def mark(self) -> int:
        """Where the log of open documents' changes stands (for ``changed_since``)."""
        with self._lock:
            return self._log_start + len(self._log)

    def changed_since(self, mark: int) -> frozenset[str] | None:
        """The open documents (by ``key``) whose text was set or dropped since ``mark``;
        None when that is no longer known."""
        with self._lock:
            if mark < self._log_start:
                return None
            return frozenset(self._log[mark - self._log_start :])

    def read(self, path: Path) -> str | None:
        key = path_key(str(path))
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

    def digest(self, path: str | Path, moment: Moment | None = None) -> str | None:
        """The digest of the module's current text (``read``'s), None when it has none.
        ``moment``: the look at the disk to take the file's time from (default: a new one)."""
        key = path_key(str(path))
        with self._lock:
            text = self._open.get(key)
            if text is not None:
                known = self._open_digests.get(key)
                if known is not None and known[0] is text:
                    return known[1]
        if text is not None:
            found = digest(text)
            with self._lock:
                self._open_digests[key] = (text, found)
            return found
        stamp = (moment or Moment()).stamp(str(path))
        if stamp is None:
            return None
        with self._lock:
            cached = self._file_digests.get(key)
        if cached is not None and cached[0] == stamp:
            return cached[1]
        text = self.read(Path(path))
        if text is None:
            return None
        found = digest(text)
        with self._lock:
            self._file_digests[key] = (stamp, found)
        return found

    def package_of(self, path: str, moment: Moment | None = None) -> str | None:
        """The dotted package a module belongs to ("" for a top-level module), None if the
        path is not a Python file. ``moment``: as for ``resolve``."""
        if not path.endswith(".py"):
            return None
        return self._packages.answer(
            path, moment or Moment(), lambda isfile: _package(path, isfile)
        )

    def resolve(self, importer: str, module: str, moment: Moment | None = None) -> Path | None:
        """The file of a module of the workspace, or None (an installed or unknown module)."""
        found = self.module_file(importer, module, moment)
        return None if found is None else Path(found)

    def module_file(self, importer: str, module: str, moment: Moment | None = None) -> str | None:
        """``resolve`` as a string (validation asks hundreds of these a keystroke).
        ``moment``: the file system as one validation sees it (a validator passes its own);
        the answer is remembered across moments while the folders it looked in are
        unchanged (``filesystem.Lookups``), by the importer's folder and the module name."""
        if not module or module.startswith(".") or module.split(".")[0] in KNOWN_LIBRARIES:
            return None
        return self._imports.answer(
            (os.path.dirname(importer), module),
            moment or Moment(),
            lambda isfile: _resolve(importer, module, isfile),
        )


def _package_folders(path: str, isfile: Callable[[str], bool]) -> list[str]:
    """The folders above a module that are packages (hold ``__init__.py``), innermost first."""
    folders: list[str] = []
    folder = os.path.dirname(path)
    while isfile(os.path.join(folder, "__init__.py")):
        folders.append(folder)
        parent = os.path.dirname(folder)
        if parent == folder:
            break
        folder = parent
    return folders


def _package(path: str, isfile: Callable[[str], bool]) -> str:
    return ".".join(os.path.basename(f) for f in reversed(_package_folders(path, isfile)))


def _root(importer: str, isfile: Callable[[str], bool]) -> str:
    """Where ``import name`` looks for the importer: the folder above its top-level
    package, or its own folder when it is not in a package."""
    # os.path on strings: a check validates every import its modules made (hundreds),
    # and pathlib's object building was most of that time
    packages = _package_folders(importer, isfile)
    return os.path.dirname(packages[-1]) if packages else os.path.dirname(importer)


def _resolve(importer: str, module: str, isfile: Callable[[str], bool]) -> str | None:
    base = os.path.join(_root(importer, isfile), *module.split("."))
    for candidate in (base + ".py", os.path.join(base, "__init__.py")):
        if isfile(candidate):
            return candidate
    return None


_LOG_LIMIT = 10_000  # open-document changes remembered for ``changed_since``


@functools.lru_cache(maxsize=65_536)
def path_key(path: str) -> str:
    """A path as the workspace files it (``changed_since`` names paths so)."""
    # memoised: a check asks for the digest of every module it loaded (hundreds), and
    # resolving symlinks is a system call per path component; a link moved while the
    # server runs is not worth that on every keystroke
    try:
        return str(Path(path).resolve())
    except OSError:
        return path
