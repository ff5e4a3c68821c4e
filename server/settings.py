"""Settings: the editor's ``spmdTypes`` keys, layered over pyproject's ``[tool.spmd-check]``.

Precedence, lowest first: the checker's defaults, the nearest pyproject.toml
``[tool.spmd-check]``, ``initializationOptions`` (``{"spmdTypes": {...}}`` or
the same keys flat), then the client's ``workspace/configuration`` section
``spmdTypes``. An invalid editor value is reported (the caller shows it) and
dropped, so the layer below it (ultimately the default) applies.
"""

from __future__ import annotations

import logging
import os
from dataclasses import dataclass, fields, replace
from pathlib import Path
from typing import Any

from spmd_check.codes import CODES
from spmd_check.config import Config, ConfigError, find_pyproject, load_file, parse_settings

SECTION = "spmdTypes"
LOG_LEVELS = ("error", "warning", "info", "debug")

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class EditorSettings:
    """One layer of editor settings; None means "not set in this layer"."""

    mesh_axes: tuple[str, ...] | None = None
    strict_mode: str | None = None
    ignore: tuple[str, ...] | None = None
    inlay_hints: bool | None = None
    log_level: str | None = None
    docs_url: str | None = None  # the diagnostics page's URL, for the codes' links

    def over(self, lower: EditorSettings) -> EditorSettings:
        """This layer on top of ``lower``: every key set here wins."""
        values = {
            f.name: getattr(self, f.name) for f in fields(self) if getattr(self, f.name) is not None
        }
        return replace(lower, **values)

    def checker_table(self) -> dict[str, Any]:
        """The checker's ``[tool.spmd-check]`` keys that this layer sets."""
        table: dict[str, Any] = {}
        if self.mesh_axes is not None:
            table["mesh-axes"] = list(self.mesh_axes)
        if self.strict_mode is not None:
            table["strict-mode"] = self.strict_mode
        if self.ignore is not None:
            table["ignore"] = list(self.ignore)
        return table


def _problem(key: str, where: str, expected: str, found: Any) -> str:
    return (
        f"spmd-lsp: invalid setting {SECTION}.{key} in {where}: expected {expected}, "
        f"found {found!r}; using the default"
    )


def _string_list(value: Any) -> bool:
    return isinstance(value, list) and all(isinstance(v, str) for v in value)


def parse_editor_settings(raw: Any, where: str) -> tuple[EditorSettings, list[str]]:
    """Validate the editor's settings (nested under ``spmdTypes`` or flat).

    Returns the valid part and one message per invalid key. Unknown keys are
    ignored (an editor sends its own keys in the same section).
    """
    if raw is None:
        return EditorSettings(), []
    if isinstance(raw, dict) and isinstance(raw.get(SECTION), dict):
        raw = raw[SECTION]
    if not isinstance(raw, dict):
        return EditorSettings(), [
            f"spmd-lsp: the {SECTION} settings in {where} must be an object, found {raw!r}; using the defaults"
        ]
    problems: list[str] = []
    values: dict[str, Any] = {}

    if "meshAxes" in raw and raw["meshAxes"] is not None:
        axes = raw["meshAxes"]
        if _string_list(axes) and all(axes) and len(set(axes)) == len(axes):
            values["mesh_axes"] = tuple(axes)
        else:
            problems.append(
                _problem("meshAxes", where, "a list of distinct non-empty axis names", axes)
            )
    if "strictMode" in raw and raw["strictMode"] is not None:
        mode = raw["strictMode"]
        if mode in ("strict", "permissive"):
            values["strict_mode"] = mode
        else:
            problems.append(_problem("strictMode", where, '"strict" or "permissive"', mode))
    if "ignore" in raw and raw["ignore"] is not None:
        codes = raw["ignore"]
        if _string_list(codes) and all(c in CODES for c in codes):
            values["ignore"] = tuple(codes)
        elif _string_list(codes):
            unknown = [c for c in codes if c not in CODES]
            problems.append(
                _problem("ignore", where, "diagnostic codes (see docs/diagnostics.md)", unknown)
            )
        else:
            problems.append(_problem("ignore", where, "a list of diagnostic codes", codes))
    if "inlayHints" in raw and raw["inlayHints"] is not None:
        hints = raw["inlayHints"]
        if isinstance(hints, bool):
            values["inlay_hints"] = hints
        else:
            problems.append(_problem("inlayHints", where, "true or false", hints))
    if "logLevel" in raw and raw["logLevel"] is not None:
        level = raw["logLevel"]
        if isinstance(level, str) and level.lower() in LOG_LEVELS:
            values["log_level"] = level.lower()
        else:
            problems.append(
                _problem("logLevel", where, " or ".join(f'"{lvl}"' for lvl in LOG_LEVELS), level)
            )
    if "docsUrl" in raw and raw["docsUrl"] is not None:
        url = raw["docsUrl"]
        if isinstance(url, str) and url.strip() and not any(c.isspace() for c in url.strip()):
            values["docs_url"] = url.strip()
        else:
            problems.append(
                _problem("docsUrl", where, "a URL (the code is appended as #code)", url)
            )
    return EditorSettings(**values), problems


class Settings:
    """The layers, merged on demand, and the pyproject files behind each document."""

    def __init__(self) -> None:
        self.init_options = EditorSettings()
        self.workspace = EditorSettings()
        self._pyproject_for_dir: dict[str, Path | None] = {}
        self._pyproject_configs: dict[Path, tuple[int, Config | ConfigError]] = {}

    @property
    def editor(self) -> EditorSettings:
        return self.workspace.over(self.init_options)

    @property
    def inlay_hints(self) -> bool:
        return bool(self.editor.inlay_hints)

    def forget_files(self) -> None:
        """A pyproject.toml may have appeared, changed or gone: look again."""
        self._pyproject_for_dir.clear()

    def _pyproject(self, path: str) -> Path | None:
        directory = os.path.dirname(os.path.abspath(path))
        if directory not in self._pyproject_for_dir:
            self._pyproject_for_dir[directory] = find_pyproject(Path(directory))
        return self._pyproject_for_dir[directory]

    def _file_config(self, pyproject: Path) -> Config | ConfigError:
        try:
            mtime = pyproject.stat().st_mtime_ns
        except OSError:
            mtime = -1
        cached = self._pyproject_configs.get(pyproject)
        if cached is not None and cached[0] == mtime:
            return cached[1]
        result: Config | ConfigError
        try:
            result = load_file(pyproject)
        except ConfigError as error:
            result = error
        self._pyproject_configs[pyproject] = (mtime, result)
        return result

    def config_for(self, path: str | None) -> tuple[Config, list[str]]:
        """The checker's Config for a file, and any problem to show the user."""
        problems: list[str] = []
        base = Config()
        if path is not None:
            pyproject = self._pyproject(path)
            if pyproject is not None:
                loaded = self._file_config(pyproject)
                if isinstance(loaded, ConfigError):
                    problems.append(f"spmd-lsp: {loaded}; using the defaults for that file")
                else:
                    base = loaded
        table = self.editor.checker_table()
        if table:
            try:
                # keep ``source`` naming the pyproject.toml: ``exclude`` is relative to its folder
                base = replace(parse_settings(table, "editor settings", base), source=base.source)
            except ConfigError as error:  # validated already; kept as a safety net
                problems.append(f"spmd-lsp: {error}")
        return base, problems
