"""What the interpreter carries while it runs code: the runtime's dynamic state, the frame
of the code running, how it loads other modules, and how much work it may still do."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from .frontend import Unit
    from .results import Related
    from .values import FunctionVal, ModuleVal, Value


@dataclass(frozen=True)
class State:
    """What the runtime's dynamic state is at a point: checking, strictness, mesh, grad."""

    checking: bool
    strict: bool
    mesh: tuple[str, ...] | None  # the current mesh's axes; None: no current mesh
    mesh_known: bool  # False: whether a mesh is current (and which) is unknown
    grad: bool


class ModuleLoader(Protocol):
    """Loads a module of the workspace by name, for an importer (None: not in the workspace)."""

    def load(self, importer: str, module: str) -> ModuleVal | None: ...


@dataclass
class Frame:
    env: dict[str, Value]
    unit: Unit
    function: FunctionVal | None
    returns: list[Value]
    call_site: Related | None = None
    terminated: bool = False
    # In-place effects on the caller's objects: a parameter whose tensor was annotated or
    # mutated in place (assert_type, mutate_type, x.add_(...)) while it still named the
    # caller's object. Shared by every frame of one call (branches, loops).
    effects: dict[str, Value] = field(default_factory=dict)
    rebound: set[str] = field(default_factory=set)

    def child(self, env: dict[str, Value]) -> Frame:
        """A frame for a branch or loop body of the same call."""
        return Frame(
            env,
            self.unit,
            self.function,
            self.returns,
            self.call_site,
            effects=self.effects,
            rebound=self.rebound,
        )


class Cancelled(Exception):
    """The caller no longer wants this check (a newer version of the document exists)."""


class BudgetExceeded(Exception):
    """One function's analysis went past its time or size budget."""


class Budget:
    """How much work one top-level statement, or one function's standalone analysis, may
    take (interpreted statements and seconds), and whether the caller still wants the check.

    Each ``start`` opens a fresh allowance; ``step`` counts a statement and polls the clock
    and the cancellation flag every 1024 statements (polling on every one would cost more
    than the statements)."""

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
        if self.steps & 1023 == 0:
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
