"""What the interpreter carries while it runs code: the runtime's dynamic state, the frame
of the code running, how it loads other modules, and how much work it may still do."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Protocol

from .tensortype import NO_BINDINGS, Bindings, Root

# The current mesh where the code does not say which one is current.
DEFAULT_MESH = Root("mesh#", "the current mesh")

if TYPE_CHECKING:
    from .frontend import Unit
    from .results import Related
    from .values import FunctionVal, ModuleVal, Value


@dataclass(frozen=True)
class State:
    """What the runtime's dynamic state is at a point: checking, strictness, mesh, grad.

    ``mesh_root`` names the current mesh when its axes are not known: a bare type asserted
    there fills "every other axis of this mesh", and what a path learns of its axes is
    bound to it (``tensortype.Bindings.rows``)."""

    checking: bool
    strict: bool
    mesh: tuple[str, ...] | None  # the current mesh's axes; None: no current mesh
    mesh_known: bool  # False: whether a mesh is current (and which) is unknown
    grad: bool
    mesh_root: Root = DEFAULT_MESH
    # names of the current mesh's dims of size 1: accepted wherever an axis is named, and
    # dropped (the runtime's name table has them, its mesh does not)
    trivial: frozenset[str] = frozenset()
    # False: the current mesh has no axis names (a list or frozenset of groups)
    named: bool = True
    # checking is on because the checker assumes the caller runs this code under
    # typecheck() (a library's code), not because the code entered it
    assumed: bool = False
    # global SPMD mode (``typecheck(local=False)``; ``local()`` and local_map bodies turn it
    # off): the mode's own flag, kept while ``no_typecheck()`` turns checking off, as the
    # runtime keeps ``_local`` on its disabled mode (a ``typecheck()`` inside inherits it)
    global_mode: bool = False
    # the current mesh's local axes (``set_current_mesh(..., local_axes=...)``): none outside
    # a mesh region; None: a region whose axes the checker cannot read
    local_axes: frozenset[str] | None = frozenset()
    # a register_no_typecheck function is running: nothing turns checking back on
    paused: bool = False
    # the literal sizes of the current mesh's axes (global shapes scale by them)
    axis_sizes: tuple[tuple[str, int], ...] = ()

    @property
    def known_mesh(self) -> tuple[str, ...] | None:
        """The current mesh's axes when they are known (None: no mesh, or not known)."""
        return self.mesh if self.mesh_known else None


class ModuleLoader(Protocol):
    """Loads a module of the workspace by name, for an importer (None: not in the workspace)."""

    def load(self, importer: str, module: str) -> ModuleVal | None: ...

    def fingerprint(self, path: str) -> str | None:
        """The fingerprint of a module the check loaded (directly or not); None if none."""
        ...


@dataclass
class Frame:
    env: dict[str, Value]
    unit: Unit
    function: FunctionVal | None
    # The names of the module whose code this frame runs: a function's own module (which
    # need not be the checked file: a function defined inside a loaded module's function,
    # a class body inside one), read after the locals and the closure
    globals: dict[str, Value]
    returns: list[Value]
    call_site: Related | None = None
    terminated: bool = False
    # In-place effects on the caller's objects: a parameter whose tensor was annotated or
    # mutated in place (assert_type, mutate_type, x.add_(...)) while it still named the
    # caller's object. Shared by every frame of one call (branches, loops).
    effects: dict[str, Value] = field(default_factory=dict)
    rebound: set[str] = field(default_factory=set)
    # What this path has learned about the caller's values (checks that passed only for
    # some of them). Each branch has its own; they join where the branches meet.
    bindings: Bindings = NO_BINDINGS
    # This path certainly raised: a manifest error (the runtime stops there)
    raised: bool = False

    def child(self, env: dict[str, Value]) -> Frame:
        """A frame for a branch or loop body of the same call."""
        return Frame(
            env,
            self.unit,
            self.function,
            self.globals,
            self.returns,
            self.call_site,
            effects=self.effects,
            rebound=self.rebound,
            bindings=self.bindings,
        )

    def stop(self) -> None:
        """The runtime raises here: nothing after it on this path runs."""
        self.terminated = True
        self.raised = True


class Cancelled(Exception):
    """The caller no longer wants this check (a newer version of the document exists)."""


class BudgetExceeded(Exception):
    """One function's analysis went past its time or size budget."""


class Budget:
    """How much work one top-level statement, or one function's standalone analysis, may
    take (interpreted statements and seconds), and whether the caller still wants the check.

    Each ``start`` opens a fresh allowance; ``step`` counts a statement and polls the clock
    and the cancellation flag every 64 statements: a poll costs about a microsecond, and a
    statement that runs a model can take a millisecond, so polling every 1024 kept an open
    document's keystroke waiting up to a few hundred ms behind the workspace scan."""

    def __init__(
        self, max_steps: int, seconds: float, cancelled: Callable[[], bool] | None = None
    ) -> None:
        self.max_steps = max_steps
        self.seconds = seconds
        self.cancelled = cancelled
        self.steps = 0
        self.deadline: float | None = None

    def start(self) -> None:
        self.steps = 0
        self.deadline = time.monotonic() + self.seconds

    def stop(self) -> None:
        self.deadline = None

    def step(self) -> None:
        self.steps += 1
        if self.steps & 63 == 0:
            self.check()

    def charge(self, steps: int) -> None:
        """Statements a call taken instead of run would have counted."""
        self.steps += steps
        self.check()

    def check(self) -> None:
        self.check_cancelled()
        if self.steps > self.max_steps:
            raise BudgetExceeded(f"it needs more than {self.max_steps} analysis steps")
        if self.deadline is not None and time.monotonic() > self.deadline:
            raise BudgetExceeded(f"its analysis took more than {self.seconds:g} s")

    def check_cancelled(self) -> None:
        if self.cancelled is not None and self.cancelled():
            raise Cancelled()
