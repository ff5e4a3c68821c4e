"""Axis identities: named mesh axes, and symbolic ones the checker cannot name.

A type maps axis *keys* to per-axis types. A named axis's key is its name (``"tp"``): two
names are two axes. A process group the checker cannot name (a parameter ``tp_group``, a
group read from a config object) is a *symbolic* axis: its key is its spelling plus a
marker and its origin (``"tp_group#ColumnParallel.__init__"``), so that two groups from
different places stay distinct while one group read twice is one axis. It is shown as
spelled. At run time a symbolic axis may be the same axis as any other one (``may_alias``).
"""

from __future__ import annotations

from collections.abc import Iterable

from .lattice import LocalType

_MARK = "#"

# The world group (``group=None`` of a raw torch.distributed collective), an axis of its own,
# named as the runtime names it. Every axis of a mesh of two axes or more is a proper
# subgroup of the world, so none of them is this one (``apart_from_world``).
WORLD = "default_pg"


def symbolic(spelling: str, origin: str) -> str:
    """The key of the symbolic axis that ``spelling`` denotes, read at ``origin``."""
    return f"{spelling}{_MARK}{origin}"


def is_symbolic(key: str) -> bool:
    return _MARK in key


def label(key: str) -> str:
    """How an axis reads in messages and hovers: its name, or the group as spelled."""
    return key.split(_MARK, 1)[0]


def apart_from_world(mesh: tuple[str, ...]) -> bool:
    """Whether the world group is certainly none of these mesh axes."""
    return len(mesh) >= 2


def may_alias(a: str, b: str) -> bool:
    """Whether two different keys could denote one mesh axis at run time."""
    return a != b and (is_symbolic(a) or is_symbolic(b))


def relabel(text: str, keys: Iterable[str]) -> str:
    """A message written with axis keys, as the user reads it (symbolic keys as spelled)."""
    if _MARK not in text:
        return text
    for key in sorted({k for k in keys if is_symbolic(k)}, key=len, reverse=True):
        text = text.replace(key, label(key))
    return text


def shown(local: LocalType) -> LocalType:
    """A type as the user reads it: symbolic axes under their spelling (unless two of them
    share one, when the keys stay apart)."""
    if not any(is_symbolic(key) for key in local):
        return local
    labels = [label(key) for key in local]
    if len(set(labels)) != len(labels):
        return local
    return LocalType({label(key): t for key, t in local.items()})
