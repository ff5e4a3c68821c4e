"""Check results kept on disk between runs: stored, and validated before they are used.

An entry is one file, named by a digest of its key (``EntryKey``: the entry format, the
checker's build, the configuration, the path and the digest of the text). It holds a
header line (magic, format, digest of the body) and a JSON body (the key's parts, the
result with its dependencies, ``serialize``). ``DiskCache.load`` returns a result only when
the entry reads back whole and its dependencies are current (``dependencies.Validator``):

- an entry that does not read back (truncated, corrupt, another format, another key's) is
  a miss and is removed; nothing in here raises on what it finds on disk;
- a stale entry (a dependency reads otherwise now) is a miss, overwritten by the next store.

Entries are written to a temporary file in their folder and moved into place with
``os.replace``, so concurrent writers leave one whole entry and readers never see half of
one. ``prune`` keeps the folder under ``max_bytes``, least recently used first (a hit
touches its entry). See DESIGN.md, "The on-disk cache and parallel checks".
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import logging
import os
import tempfile
import time
from dataclasses import asdict, dataclass
from enum import Enum
from pathlib import Path

from . import codes
from .config import Config
from .dependencies import Validator, text_digest
from .results import ModuleResult
from .serialize import FormatError, dump_result, load_result
from .version import checker_build

log = logging.getLogger(__name__)

FORMAT = 1
"""The entry format's version: bump it with any change to what an entry holds."""

ENV_DIRECTORY = "SPMD_CHECK_CACHE_DIR"
DEFAULT_MAX_BYTES = 256 * 1024 * 1024
_MAX_ENTRY_BYTES = 16 * 1024 * 1024  # a result this large is cheaper to compute again
_MAGIC = b"spmd-check-cache"
_TEMPORARY = ".tmp-"
_TEMPORARY_AGE = 3600.0  # a temporary file this old (in seconds) was left by a killed run
_KEEP = 0.8  # pruning leaves this share of max_bytes
_CACHEDIR_TAG = (
    "Signature: 8a477f597d28d172789f06886806bc55\n"
    "# This file is a cache directory tag created by spmd-check.\n"
    "# For information about cache directory tags see https://bford.info/cachedir/\n"
)


def default_directory(environ: dict[str, str] | None = None) -> Path:
    """``$SPMD_CHECK_CACHE_DIR``, else ``$XDG_CACHE_HOME/spmd-check`` (an absolute one, as the
    XDG specification asks), else ``~/.cache/spmd-check``."""
    env = os.environ if environ is None else environ
    explicit = env.get(ENV_DIRECTORY)
    if explicit:
        return Path(explicit).expanduser()
    xdg = env.get("XDG_CACHE_HOME")
    base = Path(xdg) if xdg and os.path.isabs(xdg) else Path.home() / ".cache"
    return base / "spmd-check"


@dataclass(frozen=True)
class EntryKey:
    """What a stored result is the result of. ``cwd`` is the working folder when ``path`` is
    relative: the paths in a result are as the checker was given them. ``purpose`` says
    what the result is: the file's check, or (``verified ...``) the diagnostics of one with
    their fixes verified, for the inputs whose digest it names."""

    checker: str  # version.checker_build()
    config: str  # Config.canonical() of the analyzer that checked the file
    path: str
    text: str  # dependencies.text_digest of the checked text
    cwd: str | None = None
    purpose: str = "check"

    @classmethod
    def of(cls, path: str, text: str, config: Config, purpose: str = "check") -> EntryKey:
        cwd = None if os.path.isabs(path) else os.getcwd()
        return cls(checker_build(), config.canonical(), path, text_digest(text), cwd, purpose)

    @property
    def name(self) -> str:
        """The entry's file name: a digest of the format and every part of the key."""
        parts = json.dumps([FORMAT, asdict(self)], sort_keys=True)
        return hashlib.blake2b(parts.encode("utf-8", "surrogatepass"), digest_size=20).hexdigest()


class Lookup(Enum):
    """What a lookup found."""

    HIT = "hit"
    MISSING = "missing"  # no entry
    STALE = "stale"  # an entry whose dependencies changed
    BAD = "bad"  # an entry that did not read back (removed)


def keeps(result: ModuleResult) -> bool:
    """Whether a result may be kept: its dependencies are known, and it has no
    ``spmd-internal`` diagnostic (a budget that ran out, a failure: they depend on more than
    the inputs)."""
    if result.dependencies is None:
        return False
    internal = codes.INTERNAL.name
    found = [*result.diagnostics, *(d for ds in result.elsewhere.values() for d in ds)]
    return all(d.code != internal for d in found)


class DiskCache:
    """Results on disk under ``directory``; never raises on what it finds there. A folder
    that cannot be written turns storing off (``problem`` says why, once)."""

    def __init__(self, directory: Path, max_bytes: int = DEFAULT_MAX_BYTES) -> None:
        self.directory = directory
        self.max_bytes = max_bytes
        self.stored = 0
        self.problem: str | None = None
        self._entries = directory / "entries"

    def path_of(self, key: EntryKey) -> Path:
        name = key.name
        return self._entries / name[:2] / name

    # -- reading ------------------------------------------------------------------------

    def lookup(self, key: EntryKey, validator: Validator) -> tuple[Lookup, ModuleResult | None]:
        """The stored result for the key when it is current, and what the lookup found."""
        path = self.path_of(key)
        try:
            with path.open("rb") as stream:
                data = stream.read(_MAX_ENTRY_BYTES + 1)  # no entry is larger
        except FileNotFoundError:
            return Lookup.MISSING, None
        except OSError as error:
            log.debug("cannot read %s: %s", path, error)
            return Lookup.MISSING, None
        try:
            if len(data) > _MAX_ENTRY_BYTES:
                raise FormatError(f"larger than an entry can be ({_MAX_ENTRY_BYTES} bytes)")
            result = _decode(data, key)
        except FormatError as error:
            log.debug("bad cache entry %s: %s", path, error)
            _remove(path)
            return Lookup.BAD, None
        if result.dependencies is None or not validator.current(result.dependencies):
            return Lookup.STALE, None
        with contextlib.suppress(OSError):
            os.utime(path)  # recently used: pruned last
        return Lookup.HIT, result

    def load(self, key: EntryKey, validator: Validator) -> ModuleResult | None:
        """The stored result for the key, when there is one and it is current."""
        return self.lookup(key, validator)[1]

    # -- writing ------------------------------------------------------------------------

    def store(self, key: EntryKey, result: ModuleResult) -> bool:
        """Keep the result (see ``keeps``); False when it is not kept."""
        if self.problem is not None or not keeps(result):
            return False
        data = _encode(key, result)
        if len(data) > _MAX_ENTRY_BYTES:
            return False
        target = self.path_of(key)
        temporary: str | None = None
        try:
            if not self.directory.is_dir():
                self.directory.mkdir(parents=True, exist_ok=True)
                (self.directory / "CACHEDIR.TAG").write_text(_CACHEDIR_TAG, encoding="utf-8")
            target.parent.mkdir(parents=True, exist_ok=True)
            handle, temporary = tempfile.mkstemp(dir=target.parent, prefix=_TEMPORARY)
            with os.fdopen(handle, "wb") as stream:
                stream.write(data)
            os.replace(temporary, target)
        except OSError as error:
            if temporary is not None:
                _remove(Path(temporary))
            self.problem = (
                f"cannot write the cache in {self.directory} ({error.strerror or error}); "
                f"results are not kept for the next run (set another folder with --cache-dir "
                f"or ${ENV_DIRECTORY}, or turn the cache off with --no-cache)"
            )
            return False
        self.stored += 1
        return True

    def prune(self) -> None:
        """Bring the folder under ``max_bytes`` (to 80% of it), least recently used entries
        first; remove temporary files left by runs that were killed."""
        now = time.time()
        entries: list[tuple[float, int, Path]] = []
        total = 0
        try:
            shards = list(os.scandir(self._entries))
        except OSError:
            return
        for shard in shards:
            try:
                files = list(os.scandir(shard.path)) if shard.is_dir() else []
            except OSError:
                continue
            for file in files:
                try:
                    info = file.stat()
                except OSError:
                    continue
                if file.name.startswith(_TEMPORARY):
                    if now - info.st_mtime > _TEMPORARY_AGE:
                        _remove(Path(file.path))
                    continue
                entries.append((info.st_mtime, info.st_size, Path(file.path)))
                total += info.st_size
        if total <= self.max_bytes:
            return
        entries.sort()
        for _, size, path in entries:
            if total <= self.max_bytes * _KEEP:
                break
            _remove(path)
            total -= size


def _encode(key: EntryKey, result: ModuleResult) -> bytes:
    body = json.dumps(
        {"key": asdict(key), "result": dump_result(result)}, separators=(",", ":")
    ).encode("ascii")
    digest = hashlib.blake2b(body, digest_size=16).hexdigest()
    return b"%s %d %s\n" % (_MAGIC, FORMAT, digest.encode("ascii")) + body


def _decode(data: bytes, key: EntryKey) -> ModuleResult:
    """The entry's result; FormatError when it is not a whole entry of this format for this
    key."""
    header, newline, body = data.partition(b"\n")
    if not newline:
        raise FormatError("no header line (a truncated entry)")
    parts = header.split(b" ")
    if len(parts) != 3 or parts[0] != _MAGIC:
        raise FormatError(f"expected a header '{_MAGIC.decode()} FORMAT DIGEST'")
    if parts[1] != str(FORMAT).encode():
        raise FormatError(f"format {parts[1]!r}, expected {FORMAT}")
    if hashlib.blake2b(body, digest_size=16).hexdigest().encode("ascii") != parts[2]:
        raise FormatError("the body does not match its digest (truncated or corrupt)")
    try:
        content = json.loads(body)
    except (ValueError, RecursionError) as error:
        raise FormatError(f"the body is not JSON ({error})") from None
    if not isinstance(content, dict) or content.get("key") != asdict(key):
        raise FormatError("the entry is another key's")
    return load_result(content.get("result"))


def _remove(path: Path) -> None:
    with contextlib.suppress(OSError):
        path.unlink()
