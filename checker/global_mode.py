"""Global SPMD mode (``typecheck(local=False)``; docs/runtime-semantics.md, section 2):
which axes it governs, and the check the runtime makes on every tensor argument of every
call there (a Varying axis needs a PartitionSpec entry; an entry needs a Varying axis).
"""

from __future__ import annotations

from .state import State


def is_global_axis(state: State, axis: str) -> bool | None:
    """``_SpmdTypeMode._is_global_axis``: every axis in global mode, but the local axes of a
    mesh region; None when the region's axes are not known."""
    if not state.global_mode:
        return False
    if state.local_axes is None:
        return None
    return axis not in state.local_axes
