"""Which spmd-types the checker models, and whether the environment has another one.

The checker never imports spmd_types (nor torch): it reads the installed distribution's
version from its metadata, so the check costs a directory lookup, not an import.
"""

from __future__ import annotations

import functools
import hashlib
import importlib.metadata
import sys
from pathlib import Path

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


@functools.cache
def checker_build() -> str:
    """This checker's identity for results kept between runs: its version, a digest of its
    own source files (a development checkout that changes a rule is another build), and the
    Python version (whose ``ast`` it parses with)."""
    digest = hashlib.blake2b(digest_size=12)
    for source in sorted(Path(__file__).resolve().parent.glob("*.py")):
        digest.update(source.name.encode())
        digest.update(b"\0")
        digest.update(source.read_bytes())
        digest.update(b"\0")
    python = ".".join(map(str, sys.version_info[:3]))
    return f"{__version__}+{digest.hexdigest()} (python {python})"
