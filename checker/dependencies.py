"""What a check's result depends on besides the checked text, and whether that still holds.

A check reads other files of the workspace (the modules it imports, and theirs), asks where
imports resolve (also when they resolve to no workspace file: creating ``foo.py`` next to
``import foo`` changes the result), and which package each module it runs belongs to (an
``__init__.py`` added or removed moves relative imports). ``Dependencies`` records all
three; ``Validator`` tells whether a workspace still reads the same. The analyzer's table
of loaded modules and the on-disk cache (``diskcache``) both validate with it.
"""

from __future__ import annotations

import bisect
import os
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any, Protocol, TypeVar

from .filesystem import Moment
from .workspace import digest as text_digest

__all__ = [
    "Dependencies",
    "FileVersion",
    "PackageOf",
    "Resolution",
    "Validator",
    "WorkspaceView",
    "text_digest",  # the digest a dependency records of a text (``workspace.digest``)
    "union_of",
]


@dataclass(frozen=True, order=True)
class FileVersion:
    """A workspace file the check read, and the digest of its text (None: not readable)."""

    path: str
    digest: str | None


@dataclass(frozen=True, order=True)
class Resolution:
    """``import module`` in ``importer`` went to the file ``found`` (None: no workspace file)."""

    importer: str
    module: str
    found: str | None


@dataclass(frozen=True, order=True)
class PackageOf:
    """The module at ``path`` ran as part of ``package`` ("" top-level, None: not a file)."""

    path: str
    package: str | None


@dataclass(frozen=True)
class Dependencies:
    """Everything a result depends on besides the checked text and the configuration; each
    part sorted, so that two equal sets of dependencies are equal values."""

    files: tuple[FileVersion, ...] = ()
    resolutions: tuple[Resolution, ...] = ()
    packages: tuple[PackageOf, ...] = ()

    @classmethod
    def of(
        cls,
        files: Iterable[FileVersion] = (),
        resolutions: Iterable[Resolution] = (),
        packages: Iterable[PackageOf] = (),
    ) -> Dependencies:
        # sorted by a key of plain tuples: the dataclasses' generated ``__lt__`` was most of
        # a check's bookkeeping on a module that imports a thousand others
        return cls(
            tuple(sorted(set(files), key=_file_order)),
            tuple(sorted(set(resolutions), key=_resolution_order)),
            tuple(sorted(set(packages), key=_package_order)),
        )

    def union(self, *others: Dependencies) -> Dependencies:
        everything = (self, *others)
        return Dependencies.of(
            (f for d in everything for f in d.files),
            (r for d in everything for r in d.resolutions),
            (p for d in everything for p in d.packages),
        )

    def plus(self, other: Dependencies) -> Dependencies:
        """``union`` with a small other: its few items inserted where they sort, not the
        whole set sorted again (a check adds its own to its imports' hundreds)."""
        return Dependencies(
            _inserted(self.files, other.files, _file_order),
            _inserted(self.resolutions, other.resolutions, _resolution_order),
            _inserted(self.packages, other.packages, _package_order),
        )

    @property
    def paths(self) -> set[str]:
        """The workspace files read."""
        return {f.path for f in self.files}

    def fingerprint(self) -> str:
        """One digest of everything: equal dependencies, equal fingerprints."""
        parts = [f"f{f.path}\0{f.digest}" for f in self.files]
        parts += [f"r{r.importer}\0{r.module}\0{r.found}" for r in self.resolutions]
        parts += [f"p{p.path}\0{p.package}" for p in self.packages]
        return text_digest("\n".join(parts))


def _optional(text: str | None) -> tuple[bool, str]:
    """None first, then strings in order: a total order on optional strings."""
    return (text is not None, text or "")


def _file_order(f: FileVersion) -> tuple[str, tuple[bool, str]]:
    return (f.path, _optional(f.digest))


def _resolution_order(r: Resolution) -> tuple[str, str, tuple[bool, str]]:
    return (r.importer, r.module, _optional(r.found))


def _package_order(p: PackageOf) -> tuple[str, tuple[bool, str]]:
    return (p.path, _optional(p.package))


_Item = TypeVar("_Item", FileVersion, Resolution, PackageOf)


def _inserted(
    items: tuple[_Item, ...], more: Iterable[_Item], order: Callable[[_Item], Any]
) -> tuple[_Item, ...]:
    """Sorted ``items`` with ``more`` added where they sort, each once."""
    merged: list[_Item] | None = None
    for item in more:
        target = items if merged is None else merged
        at = bisect.bisect_left(target, order(item), key=order)
        if at < len(target) and target[at] == item:
            continue
        if merged is None:
            merged = list(items)
        merged.insert(at, item)
    return items if merged is None else tuple(merged)


_UNIONS: dict[tuple[int, ...], tuple[tuple[Dependencies, ...], Dependencies]] = {}


def union_of(parts: tuple[Dependencies, ...]) -> Dependencies:
    """The union of many (a check's imported modules'), remembered by the parts' identities:
    the modules a file imports are the same objects from one keystroke to the next."""
    key = tuple(id(part) for part in parts)
    known = _UNIONS.get(key)
    if known is not None:
        return known[1]
    found = Dependencies().union(*parts)
    if len(_UNIONS) >= 64:
        del _UNIONS[next(iter(_UNIONS))]  # the oldest
    _UNIONS[key] = (parts, found)  # the parts kept alive: their ids are not reused
    return found


class WorkspaceView(Protocol):
    """What validation asks of a workspace (``workspace.Workspace`` is one)."""

    def digest(self, path: str, moment: Moment | None = ...) -> str | None:
        """``text_digest`` of the file's current text, None when it has none."""
        ...

    def moment(self) -> Moment:
        """A look at the file system for one validation (perhaps shared with others)."""
        ...

    def is_open(self, path: str) -> bool:
        """Whether the path's text is an open document's (it may change at any time)."""
        ...

    def module_file(self, importer: str, module: str, moment: Moment | None = ...) -> str | None:
        """Where ``import module`` in ``importer`` goes: a function of the importer's folder
        and the module name (the validator memoises it so)."""
        ...

    def package_of(self, path: str, moment: Moment | None = ...) -> str | None: ...


class Validator:
    """Whether dependencies still hold in a workspace as it reads now. It remembers what it
    read on disk (each file is read and hashed once), so one validator serves one look at
    the disk (``WorkspaceView.moment``): a check, a run of the command line, one lookup of
    the server, or the server's checks while it trusts that look. An open document's text
    is asked for each time: it changes between the checks one look serves."""

    def __init__(self, workspace: WorkspaceView, moment: Moment | None = None) -> None:
        self.workspace = workspace
        self._digests: dict[str, str | None] = {}
        self._resolved: dict[tuple[str, str], str | None] = {}
        self._packages: dict[str, str | None] = {}
        # each file and folder asked about once
        self.moment = moment if moment is not None else workspace.moment()

    def digest(self, path: str) -> str | None:
        if path in self._digests:
            return self._digests[path]
        # the workspace's own memo (by the open text, or the file's stat) spares a read
        found = self.workspace.digest(path, self.moment)
        if not self.workspace.is_open(path):
            self._digests[path] = found
        return found

    def resolve(self, importer: str, module: str) -> str | None:
        # by the importer's folder: where an import goes depends on nothing else, and the
        # modules of one package import the same names
        key = (os.path.dirname(importer), module)
        if key not in self._resolved:
            self._resolved[key] = self.workspace.module_file(importer, module, self.moment)
        return self._resolved[key]

    def package_of(self, path: str) -> str | None:
        if path not in self._packages:
            self._packages[path] = self.workspace.package_of(path, self.moment)
        return self._packages[path]

    def current(self, dependencies: Dependencies) -> bool:
        """Whether every file reads the same, every import resolves to the same file and
        every module is in the same package as when the dependencies were recorded."""
        return (
            all(self.digest(f.path) == f.digest for f in dependencies.files)
            and all(self.resolve(r.importer, r.module) == r.found for r in dependencies.resolutions)
            and all(self.package_of(p.path) == p.package for p in dependencies.packages)
        )
