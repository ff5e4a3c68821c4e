"""``[tool.spmd-check]`` in pyproject.toml: the settings shared by spmd-check and spmd-lsp."""

from __future__ import annotations

import fnmatch
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
class Config:
    """Checker settings. ``mesh_axes`` names the axes of a mesh the source does not show."""

    mesh_axes: tuple[str, ...] | None = None
    mode: Mode = Mode.STRICT
    exclude: tuple[str, ...] = ()
    ignore: frozenset[str] = field(default_factory=frozenset)
    source: str | None = None  # the file these settings came from

    def is_excluded(self, path: str | Path, root: str | Path | None = None) -> bool:
        """Whether an ``exclude`` glob matches the path: relative to ``root`` (default: the
        folder of the settings file), to any of its parent folders, or as written."""
        if not self.exclude:
            return False
        file = Path(path)
        base = (
            Path(root) if root is not None else (Path(self.source).parent if self.source else None)
        )
        candidates = [str(file), file.as_posix()]
        if base is not None:
            try:
                relative = file.resolve().relative_to(base.resolve())
                candidates.append(relative.as_posix())
                candidates.extend(p.as_posix() for p in relative.parents if str(p) != ".")
            except ValueError:
                pass
        return any(fnmatch.fnmatch(c, pattern) for c in candidates for pattern in self.exclude)


class ConfigError(Exception):
    """A malformed setting: the message names the file, the key, what was expected and found."""


KEYS = ("mesh-axes", "strict-mode", "exclude", "ignore")


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
    if "mesh-axes" in table:
        axes = _string_list(table["mesh-axes"], "mesh-axes", where)
        if len(set(axes)) != len(axes) or not all(axes):
            raise ConfigError(
                f"{where}: [tool.spmd-check] mesh-axes must be distinct non-empty names, found {list(axes)!r}"
            )
        config = replace(config, mesh_axes=axes)
    if "strict-mode" in table:
        value = table["strict-mode"]
        if value not in ("strict", "permissive"):
            raise ConfigError(
                f'{where}: [tool.spmd-check] strict-mode must be "strict" or "permissive", found {value!r}'
            )
        config = replace(config, mode=Mode(value))
    if "exclude" in table:
        config = replace(config, exclude=_string_list(table["exclude"], "exclude", where))
    if "ignore" in table:
        codes = _string_list(table["ignore"], "ignore", where)
        unknown = [c for c in codes if c not in CODES]
        if unknown:
            raise ConfigError(
                f"{where}: [tool.spmd-check] ignore names unknown codes {unknown!r}; see "
                f"docs/diagnostics.md for the list"
            )
        config = replace(config, ignore=frozenset(codes))
    return replace(config, source=where)


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
