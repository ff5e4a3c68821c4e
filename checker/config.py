"""``[tool.spmd-check]`` in pyproject.toml: the settings shared by spmd-check and spmd-lsp."""

from __future__ import annotations

import fnmatch
import json
import tomllib
from dataclasses import dataclass, field, replace
from enum import Enum
from pathlib import Path
from typing import Any

from .codes import CODES


class Mode(Enum):
    STRICT = "strict"
    PERMISSIVE = "permissive"


@dataclass(frozen=True)
class Override:
    """``[[tool.spmd-check.overrides]]``: settings for the files matching ``files`` (globs
    relative to the settings file's folder), as mypy's per-module sections and ruff's
    per-file settings do. ``settings`` holds the keys the section sets, parsed."""

    files: tuple[str, ...]
    settings: tuple[tuple[str, object], ...]


@dataclass(frozen=True)
class Config:
    """Checker settings. ``mesh_axes`` names the axes of a mesh the source does not show."""

    mesh_axes: tuple[str, ...] | None = None
    mode: Mode = Mode.STRICT
    exclude: tuple[str, ...] = ()
    ignore: frozenset[str] = field(default_factory=frozenset)
    source: str | None = None  # the file these settings came from
    overrides: tuple[Override, ...] = ()

    def for_path(self, path: str | Path, root: str | Path | None = None) -> Config:
        """The settings for one file: the overrides whose globs match it applied in order
        (a later one wins key by key). The result has no overrides left."""
        if not self.overrides:
            return self
        config = replace(self, overrides=())
        for override in self.overrides:
            if _matches(path, override.files, root if root is not None else self._folder()):
                config = replace(config, **dict(override.settings))  # type: ignore[arg-type]
        return config

    def canonical(self) -> str:
        """Every setting as one stable text (the same in every process: sets sorted), for
        keys that must change when any setting does (the on-disk cache's)."""
        return json.dumps(
            {
                "mesh_axes": self.mesh_axes,
                "mode": self.mode.value,
                "exclude": self.exclude,
                "ignore": sorted(self.ignore),
                "source": self.source,
                "overrides": [
                    [override.files, [[k, _plain(v)] for k, v in override.settings]]
                    for override in self.overrides
                ],
            },
            sort_keys=True,
        )

    def _folder(self) -> Path | None:
        return Path(self.source).parent if self.source else None

    def is_excluded(self, path: str | Path, root: str | Path | None = None) -> bool:
        """Whether an ``exclude`` glob matches the path: relative to ``root`` (default: the
        folder of the settings file), to any of its parent folders, or as written."""
        return _matches(path, self.exclude, root if root is not None else self._folder())


def _plain(value: object) -> object:
    """A setting's value as JSON writes it the same in every process."""
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, (set, frozenset)):
        return sorted(map(str, value))
    return value


def _matches(path: str | Path, patterns: tuple[str, ...], base: str | Path | None) -> bool:
    """Whether a glob matches the path: relative to ``base``, to any of its parent folders
    (relative to ``base``), or as written."""
    if not patterns:
        return False
    file = Path(path)
    candidates = [str(file), file.as_posix()]
    if base is not None:
        try:
            relative = file.resolve().relative_to(Path(base).resolve())
            candidates.append(relative.as_posix())
            candidates.extend(p.as_posix() for p in relative.parents if str(p) != ".")
        except ValueError:
            pass
    return any(fnmatch.fnmatch(c, pattern) for c in candidates for pattern in patterns)


class ConfigError(Exception):
    """A malformed setting: the message names the file, the key, what was expected and found."""


KEYS = ("mesh-axes", "strict-mode", "exclude", "ignore", "overrides")
OVERRIDE_KEYS = ("files", "mesh-axes", "strict-mode", "ignore")


def _string_list(value: Any, key: str, where: str) -> tuple[str, ...]:
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ConfigError(
            f"{where}: [tool.spmd-check] {key} must be a list of strings, found {value!r}"
        )
    return tuple(value)


def parse_settings(table: Any, where: str, base: Config | None = None) -> Config:
    """Build a Config from a settings table; ConfigError names the first bad key."""
    config = base or Config(source=where)
    if not isinstance(table, dict):
        raise ConfigError(f"{where}: [tool.spmd-check] must be a table, found {table!r}")
    for key in table:
        if key not in KEYS:
            raise ConfigError(
                f"{where}: unknown key {key!r} in [tool.spmd-check]; expected one of "
                f"{', '.join(KEYS)}"
            )
    config = replace(config, **_fields(table, where, "[tool.spmd-check]"))  # type: ignore[arg-type]
    if "overrides" in table:
        config = replace(config, overrides=_overrides(table["overrides"], where))
    return replace(config, source=where)


def _fields(table: dict[str, Any], where: str, section: str) -> dict[str, object]:
    """The Config fields a settings table sets, parsed; ConfigError names a bad value."""
    fields: dict[str, object] = {}
    if "mesh-axes" in table:
        value = table["mesh-axes"]
        if value == "unknown":
            fields["mesh_axes"] = None  # an override that forgets a mesh configured above
        else:
            axes = _string_list(value, "mesh-axes", where)
            if len(set(axes)) != len(axes) or not all(axes):
                raise ConfigError(
                    f"{where}: {section} mesh-axes must be distinct non-empty names (or "
                    f'"unknown"), found {list(axes)!r}'
                )
            fields["mesh_axes"] = axes
    if "strict-mode" in table:
        value = table["strict-mode"]
        if value not in ("strict", "permissive"):
            raise ConfigError(
                f'{where}: {section} strict-mode must be "strict" or "permissive", found {value!r}'
            )
        fields["mode"] = Mode(value)
    if "exclude" in table:
        fields["exclude"] = _string_list(table["exclude"], "exclude", where)
    if "ignore" in table:
        codes = _string_list(table["ignore"], "ignore", where)
        unknown = [c for c in codes if c not in CODES]
        if unknown:
            raise ConfigError(
                f"{where}: {section} ignore names unknown codes {unknown!r}; see "
                f"docs/diagnostics.md for the list"
            )
        fields["ignore"] = frozenset(codes)
    return fields


def _overrides(value: Any, where: str) -> tuple[Override, ...]:
    section = "[[tool.spmd-check.overrides]]"
    if not isinstance(value, list) or not all(isinstance(v, dict) for v in value):
        raise ConfigError(f"{where}: {section} must be an array of tables, found {value!r}")
    parsed = []
    for table in value:
        unknown = [k for k in table if k not in OVERRIDE_KEYS]
        if unknown:
            raise ConfigError(
                f"{where}: unknown key {unknown[0]!r} in {section}; expected one of "
                f"{', '.join(OVERRIDE_KEYS)}"
            )
        if "files" not in table:
            raise ConfigError(
                f"{where}: {section} needs files = [glob, ...] (the files it applies to)"
            )
        files = _string_list(table["files"], "files", where)
        fields = _fields(table, where, section)
        parsed.append(Override(files, tuple(sorted(fields.items()))))
    return tuple(parsed)


def load_file(path: Path) -> Config:
    """Read ``[tool.spmd-check]`` from a pyproject.toml (an absent table is the defaults)."""
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except OSError as error:
        raise ConfigError(f"{path}: cannot read the file ({error.strerror})") from None
    except UnicodeDecodeError:
        raise ConfigError(f"{path}: the file is not valid UTF-8") from None
    except tomllib.TOMLDecodeError as error:
        raise ConfigError(f"{path}: invalid TOML ({error})") from None
    table = data.get("tool", {}).get("spmd-check")
    if table is None:
        return Config(source=str(path))
    return parse_settings(table, str(path))


def find_pyproject(start: Path) -> Path | None:
    """The nearest pyproject.toml at or above ``start`` that has a [tool.spmd-check] table,
    else the nearest pyproject.toml at all."""
    directory = start if start.is_dir() else start.parent
    nearest: Path | None = None
    for folder in [directory, *directory.parents]:
        candidate = folder / "pyproject.toml"
        if candidate.is_file():
            nearest = nearest or candidate
            try:
                if "spmd-check" in candidate.read_text(encoding="utf-8", errors="replace"):
                    return candidate
            except OSError:
                continue
    return nearest


def load_for(path: Path) -> Config:
    found = find_pyproject(path.resolve())
    return load_file(found) if found else Config()
