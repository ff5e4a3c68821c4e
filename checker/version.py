"""Which spmd-types the checker models, and whether the environment has another one.

The checker never imports spmd_types (nor torch): it reads the installed distribution's
version from its metadata, so the check costs a directory lookup, not an import.
"""

from __future__ import annotations

import importlib.metadata

from . import __version__

MODELLED_SPMD_TYPES = "0.3.1"
"""The spmd-types release whose semantics the checker reproduces (with torch 2.13.0)."""

_DISTRIBUTION = "spmd-types"


def installed_spmd_types() -> str | None:
    """The version of spmd-types installed where this Python looks, None when there is none."""
    try:
        return importlib.metadata.version(_DISTRIBUTION)
    except importlib.metadata.PackageNotFoundError:
        return None
    except Exception:  # a broken installation's metadata: no version to compare
        return None


def runtime_mismatch() -> str | None:
    """A one-line warning when the installed spmd-types is not the one the checker models,
    else None (also when spmd-types is not installed: there is nothing to disagree with)."""
    installed = installed_spmd_types()
    if installed is None or installed == MODELLED_SPMD_TYPES:
        return None
    return (
        f"spmd-types {installed} is installed, but this checker models spmd-types "
        f"{MODELLED_SPMD_TYPES}: where the two releases differ, the checker's verdicts follow "
        f"{MODELLED_SPMD_TYPES}, not the installed runtime"
    )


def version_text() -> str:
    """What ``spmd-check --version`` prints."""
    return f"spmd-check {__version__} (models spmd-types {MODELLED_SPMD_TYPES})"
