"""The registry of diagnostic codes: one row per code, the only place codes are named.

Each code names the runtime error it stands for (``runtime_error``): the
conformance judge expects the reference runtime to raise that exception class
on the line where the checker reports the code.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum

DOCS_URL = "https://github.com/spmd-lsp/spmd-lsp/blob/main/docs/diagnostics.md"


class Severity(Enum):
    ERROR = "error"
    WARNING = "warning"
    INFORMATION = "information"


@dataclass(frozen=True)
class Code:
    name: str
    summary: str
    runtime_error: str | None  # exception class the runtime raises; None: no runtime counterpart

    @property
    def doc_url(self) -> str:
        return f"{DOCS_URL}#{self.name}"


_CODES = [
    Code("spmd-syntax", "the file (or one statement of it) is not valid Python", None),
    Code("spmd-partial-nonlinear", "a Partial value flows into a non-linear op", "SpmdTypeError"),
    Code("spmd-partial-divisor", "a Partial value is used as a divisor", "SpmdTypeError"),
    Code(
        "spmd-partial-affine",
        "a Partial value is added to a Replicate value or a scalar",
        "SpmdTypeError",
    ),
    Code("spmd-partial-product", "Partial values in two factors of a product", "SpmdTypeError"),
    Code("spmd-partial-varying", "a Partial value combined with a Varying value", "SpmdTypeError"),
    Code(
        "spmd-invariant-mix",
        "an Invariant value mixed with a value of another type",
        "SpmdTypeError",
    ),
    Code(
        "spmd-missing-axis",
        "an operand is not typed on a mesh axis that the others have",
        "SpmdTypeError",
    ),
    Code(
        "spmd-src-mismatch", "a collective's src does not match its operand's type", "SpmdTypeError"
    ),
    Code(
        "spmd-assert-mismatch",
        "assert_type contradicts the type the tensor already has",
        "SpmdTypeError",
    ),
    Code("spmd-conflicting-types", "one assert_type names two types for one axis", "SpmdTypeError"),
    Code(
        "spmd-inplace-type-change", "an in-place op would change its target's type", "SpmdTypeError"
    ),
    Code(
        "spmd-backward-loss", "backward() on a loss whose gradient would be wrong", "SpmdTypeError"
    ),
    Code("spmd-unknown-axis", "an axis name that the current mesh does not have", "RuntimeError"),
    Code(
        "spmd-no-current-mesh",
        "an axis name or bare type used with no current mesh",
        "RuntimeError",
    ),
    Code(
        "spmd-unregistered-function",
        "an autograd Function the checker has no typing rule for",
        "SpmdTypeError",
    ),
    Code("spmd-expert-mode", "a conversion that needs expert_mode=True", "ValueError"),
    Code(
        "spmd-invalid-transition",
        "a collective or conversion asked for a src/dst it does not support",
        "ValueError",
    ),
    Code(
        "spmd-missing-argument",
        "a collective or conversion called without a required src/dst",
        "TypeError",
    ),
    Code(
        "spmd-internal",
        "the checker gave up on a function (time or size budget); please report it",
        None,
    ),
]

CODES: dict[str, Code] = {c.name: c for c in _CODES}


def code(name: str) -> Code:
    """Look a code up; an unregistered name is a bug in the checker."""
    return CODES[name]
