"""A hypothesis strategy for random, well-formed ``spmd_types`` programs.

A program is a case file (tests/cases/README.md): the standard prelude, a
mesh ``("dp", "tp")`` of shape ``(2, 4)``, optional helper functions, and a
body under ``with spmd.set_current_mesh(mesh), typecheck():``. One statement
per line, so that a line names one operation.

A *library* program is a library case instead: the body sits in a library
function, ``step(x1, ..., tp_group, dp_group, flag)``, whose tensors, process
groups and flag are parameters; each tensor declared at the top level of the
body becomes a parameter the driver creates, its ``assert_type`` inside the
function or in the driver (assertions inside or outside). Below the
``# --- driver ---`` line, the driver builds the mesh and calls ``step``.

The generator keeps a small model of every variable:

- its *shape*, exactly: shapes decide whether a program runs at all (the
  runtime's collectives split, stack and gather along dims; see ``transfer``),
  and a program that fails on a shape is worthless for the comparison;
- a *hint* of its SPMD type, approximately: it only biases choices (an
  operand's own type as a collective's ``src``, compatible operands for a
  binary op) so that programs get further before their first error. It is
  never used to judge anything: the runtime is the oracle.

Shrinking: every choice is a draw, and the first option of each list is the
simplest, so hypothesis minimises towards short programs of declarations.
"""

from __future__ import annotations

import copy
import math
from dataclasses import dataclass, field

from hypothesis import strategies as st

AXES = {"dp": 2, "tp": 4}  # mesh dim name -> size, as the prelude's init_device_mesh says
MAX_NUMEL = 1024
FLAG_TRUE = 'flag = len("ab") == 2'
FLAG_FALSE = 'flag = len("ab") == 3'

PRELUDE = [
    "import torch",
    "import torch.nn.functional as F",
    "import spmd_types as spmd",
    "from spmd_types import I, P, R, S, V",
    "from spmd_types.checker import typecheck",
    "from torch.distributed.device_mesh import init_device_mesh",
]
MESH = 'mesh = init_device_mesh("cpu", (2, 4), mesh_dim_names=("dp", "tp"))'
GROUPS = ['dp = mesh.get_group("dp")', 'tp = mesh.get_group("tp")']
WITH = "with spmd.set_current_mesh(mesh), typecheck():"
DRIVER_MARKER = "# --- driver ---"
LIBRARY_FUNCTION = "step"
# library programs: the groups are parameters named apart from the mesh dims, so that the
# library view cannot take them for the axes "tp"/"dp" (the driver passes exactly those)
LIBRARY_GROUPS = ['dp_group = mesh.get_group("dp")', 'tp_group = mesh.get_group("tp")']

Shape = tuple[int, ...]
Hint = dict[str, str | None]  # axis -> "R" | "I" | "V" | "P" | "S0" | "S1"; None: no idea


@dataclass
class Var:
    name: str
    shape: Shape
    hint: Hint
    origin: str  # label of the statement that made it (for signatures of findings)
    inplace_ok: bool = False  # not a leaf that requires grad, nor a view: may be an in-place target


@dataclass
class Line:
    indent: int  # nesting level inside the ``with`` body (helpers: inside the def)
    text: str
    label: str = ""  # what the line does: "decl", "relu", "all_gather", "reveal<-add", ...


@dataclass
class Param:
    """A tensor the library function takes: the driver creates it (and asserts its type when
    the assertion is outside)."""

    name: str
    decl: str
    asserts: list[str] = field(default_factory=list)


@dataclass
class Program:
    helpers: list[list[Line]]  # each: the def line, then its body at indent 1
    body: list[Line]
    uses_groups: bool
    uses_flag: bool
    library: bool = False  # the body sits in a library function (see the module docstring)
    params: list[Param] = field(default_factory=list)

    def render(self, flag: bool = True) -> tuple[str, dict[int, str]]:
        """The source text (``flag`` picks the branch taken) and line number -> label."""
        if self.library:
            return self._render_library(flag)
        out: list[str] = list(PRELUDE)
        labels: dict[int, str] = {}

        def emit(text: str, label: str = "") -> None:
            out.append(text)
            if label:
                labels[len(out)] = label

        for helper in self.helpers:
            emit("")
            emit("")
            for line in helper:
                emit("    " * line.indent + line.text, line.label)
        emit("")
        emit("")
        emit(MESH)
        if self.uses_groups:
            for g in GROUPS:
                emit(g)
        if self.uses_flag:
            emit(FLAG_TRUE if flag else FLAG_FALSE)
        emit(WITH)
        for line in self.body:
            emit("    " * (line.indent + 1) + line.text, line.label)
        return "\n".join(out) + "\n", labels

    def _render_library(self, flag: bool) -> tuple[str, dict[int, str]]:
        out: list[str] = list(PRELUDE)
        labels: dict[int, str] = {}

        def emit(text: str, label: str = "") -> None:
            out.append(text)
            if label:
                labels[len(out)] = label

        for helper in self.helpers:
            emit("")
            emit("")
            for line in helper:
                emit("    " * line.indent + line.text, line.label)
        args = [p.name for p in self.params]
        if self.uses_groups:
            args += ["tp_group", "dp_group"]
        if self.uses_flag:
            args.append("flag")
        emit("")
        emit("")
        emit(f"def {LIBRARY_FUNCTION}({', '.join(args)}):", "def")
        for line in self.body:
            emit("    " * (line.indent + 1) + line.text, line.label)
        if not self.body:
            emit("    pass")
        emit("")
        emit("")
        emit(DRIVER_MARKER)
        emit(MESH)
        if self.uses_groups:
            for g in LIBRARY_GROUPS:
                emit(g)
        if self.uses_flag:
            emit(FLAG_TRUE if flag else FLAG_FALSE)
        emit(WITH)
        for param in self.params:
            emit("    " + param.decl, "decl")
            for text in param.asserts:
                emit("    " + text, "assert_type")
        emit(f"    {LIBRARY_FUNCTION}({', '.join(args)})", f"call:{LIBRARY_FUNCTION}")
        return "\n".join(out) + "\n", labels

    @property
    def driver_line(self) -> int | None:
        """The line of ``# --- driver ---`` (library programs), the same in every variant."""
        if not self.library:
            return None
        return self.source().splitlines().index(DRIVER_MARKER) + 1

    def source(self, flag: bool = True) -> str:
        return self.render(flag)[0]

    @property
    def variants(self) -> list[bool]:
        """The flag values worth running: both branches when there is an ``if``."""
        return [True, False] if self.uses_flag else [True]


# ---------------------------------------------------------------------------
# shapes of collectives


def _kind(t: str | None) -> str | None:
    return "S" if t is not None and t.startswith("S") else t


def transfer(op: str, src: str | None, dst: str | None, n: int, s: Shape) -> Shape | None:
    """The result shape of a collective on an axis of size ``n``, from the src/dst as written
    (defaults filled in); None when the runtime would fail on the shape (do not generate it).

    Verified against spmd-types 0.3.1: a Varying result made from a non-Varying value takes
    this rank's slice of dim 0 (which must have size n); gathering a Varying value stacks a
    new dim 0; S(k) splits or concatenates dim k. An invalid transition raises ValueError
    before any shape matters: the shape is then left as it is.
    """
    ks, kd = _kind(src), _kind(dst)

    def split0(shape: Shape) -> Shape | None:
        return shape[1:] if len(shape) >= 1 and shape[0] == n else None

    def split(shape: Shape | None, k: int) -> Shape | None:
        if shape is None or len(shape) <= k or shape[k] % n:
            return None
        return (*shape[:k], shape[k] // n, *shape[k + 1 :])

    def gather(shape: Shape, k: int) -> Shape | None:
        return (*shape[:k], shape[k] * n, *shape[k + 1 :]) if len(shape) > k else None

    def stack(shape: Shape) -> Shape:
        return (n, *shape)

    def dim(t: str) -> int:
        return int(t[1:])

    result: Shape | None = s
    if (
        src is None
        or dst is None
        or op in ("reinterpret", "invariant_to_replicate")
        or op == "all_reduce"
    ):
        result = s
    elif op == "all_gather":
        if kd in ("R", "I"):
            result = stack(s) if ks == "V" else gather(s, dim(src)) if ks == "S" else s
    elif op == "reduce_scatter":
        if ks in ("P", "V"):
            result = split0(s) if kd == "V" else split(s, dim(dst)) if kd == "S" else s
    elif op == "all_to_all":
        if ks == "V" and kd == "V":
            result = s if split0(s) is not None else None
        elif ks == "S" and kd == "S":  # split the dst dim, then concatenate along the src dim
            parts = split(s, dim(dst))
            result = gather(parts, dim(src)) if parts is not None else None
        elif (ks, kd) in (("V", "S"), ("S", "V")):
            result = None  # shapes the model does not follow; not generated
    elif op in ("redistribute", "convert"):
        rip = ("R", "I", "P")
        if ks == "S" and kd == "S":
            if op == "convert":
                result = s  # the same dim: a no-op; another: ValueError before any shape
            else:
                parts = split(s, dim(dst))
                result = gather(parts, dim(src)) if parts is not None else None
        elif (ks, kd) in (("S", "V"), ("V", "S")):
            result = s if op == "redistribute" else None
        elif ks in rip and kd == "V":
            result = split0(s) if op == "redistribute" or ks in ("R", "I") else s
        elif ks in rip and kd == "S":
            result = split(s, dim(dst)) if op == "redistribute" or ks in ("R", "I") else s
        elif ks == "V" and kd in rip:
            result = stack(s) if op == "redistribute" or kd == "P" else s
        elif ks == "S" and kd in rip:
            result = gather(s, dim(src)) if op == "redistribute" or kd == "P" else s
    if result is not None and math.prod(result) > MAX_NUMEL:
        return None
    return result


# The collectives: which src/dst they take (kinds; "S" stands for S(0)/S(1)) and their defaults.
COLLECTIVES: dict[str, dict] = {
    "all_reduce": dict(srcs="PV", dsts="RI", src=("P",), dst=()),
    "all_gather": dict(srcs="VS", dsts="RI", src=("V",), dst=()),
    "reduce_scatter": dict(srcs="PV", dsts="VS", src=("P",), dst=("V",)),
    "all_to_all": dict(srcs="VS", dsts="VS", src=("V",), dst=("V",)),
    "redistribute": dict(srcs="RIVPS", dsts="RIVPS", src=(), dst=()),
    "convert": dict(srcs="RIVPS", dsts="RIVPS", src=(), dst=(), expert=True),
    "reinterpret": dict(srcs="RIVP", dsts="RIVP", src=(), dst=(), expert=True),
    "invariant_to_replicate": dict(srcs="", dsts="", src=None, dst=None),
}
ALL_KINDS = "RIVPS"


def _spell_type(t: str) -> str:
    return f"S({t[1:]})" if t.startswith("S") else t


def _hint_kind(t: str | None) -> str | None:
    return "V" if t is not None and t.startswith("S") else t


def combine(*hints: Hint) -> Hint:
    """The hint of an op's result: equal types stay, R with V is V, anything else unknown."""
    out: Hint = {}
    for axis in AXES:
        kinds = {_hint_kind(h.get(axis)) for h in hints}
        if None in kinds:
            out[axis] = None
        elif len(kinds) == 1:
            out[axis] = kinds.pop()
        elif kinds == {"R", "V"}:
            out[axis] = "V"
        else:
            out[axis] = None
    return out


def compatible(*hints: Hint) -> bool:
    return all(v is not None for v in combine(*hints).values())


# ---------------------------------------------------------------------------
# torch ops: (label, template, shape rule, is a view)


def _same(s: Shape) -> Shape | None:
    return s


def _need(pred, rule):
    return lambda s: rule(s) if pred(s) else None


UNARY = [
    ("relu", "torch.relu({a})", _same, False),
    ("neg", "-{a}", _same, False),
    ("sum", "{a}.sum()", lambda s: (), False),
    ("gelu", "F.gelu({a})", _same, False),
    ("exp", "torch.exp({a})", _same, False),
    ("exp_method", "{a}.exp()", _same, False),
    ("tanh", "torch.tanh({a})", _same, False),
    ("sigmoid", "torch.sigmoid({a})", _same, False),
    ("silu", "F.silu({a})", _same, False),
    ("softmax", "F.softmax({a}, dim=-1)", _need(lambda s: len(s) >= 1, _same), False),
    ("neg_fn", "torch.neg({a})", _same, False),
    ("pow", "{a} ** 2", _same, False),
    ("sum0", "{a}.sum(0)", _need(lambda s: len(s) >= 1, lambda s: s[1:]), False),
    ("sum_dim", "torch.sum({a}, dim=-1)", _need(lambda s: len(s) >= 1, lambda s: s[:-1]), False),
    ("mean", "{a}.mean()", lambda s: (), False),
    ("clone", "{a}.clone()", _same, False),
    (
        "transpose",
        "{a}.transpose(0, 1)",
        _need(lambda s: len(s) >= 2, lambda s: (s[1], s[0], *s[2:])),
        True,
    ),
    ("t", "{a}.t()", _need(lambda s: len(s) == 2, lambda s: (s[1], s[0])), True),
    ("reshape", "{a}.reshape(4, 4)", _need(lambda s: math.prod(s) == 16, lambda s: (4, 4)), True),
    ("flatten", "{a}.reshape(-1)", _need(lambda s: len(s) >= 1, lambda s: (math.prod(s),)), True),
    ("detach", "{a}.detach()", _same, True),
    ("select", "{a}.select(0, 0)", _need(lambda s: len(s) >= 1, lambda s: s[1:]), True),
    ("getitem", "{a}[0]", _need(lambda s: len(s) >= 1, lambda s: s[1:]), True),
    (
        "einsum_reduce",
        'torch.einsum("ij->j", {a})',
        _need(lambda s: len(s) == 2, lambda s: (s[1],)),
        False,
    ),
]

SCALAR = [
    ("mul_scalar", "{a} * 2.0"),
    ("add_scalar", "{a} + 1.0"),
    ("rmul_scalar", "2.0 * {a}"),
    ("div_scalar", "{a} / 4.0"),
    ("rsub_scalar", "1.0 - {a}"),
    ("sub_scalar", "{a} - 0.5"),
    ("mul_fn_scalar", "torch.mul({a}, 3.0)"),
    ("rdiv_scalar", "4.0 / {a}"),
    ("mul_int", "{a} * 2"),
]

# elementwise: b has a's shape, or is 0-d
ELEMENTWISE = [
    ("add", "{a} + {b}"),
    ("mul", "{a} * {b}"),
    ("sub", "{a} - {b}"),
    ("div", "{a} / {b}"),
    ("add_fn", "torch.add({a}, {b})"),
    ("sub_fn", "torch.sub({a}, {b})"),
    ("mul_fn", "torch.mul({a}, {b})"),
    ("div_fn", "torch.div({a}, {b})"),
    ("add_method", "{a}.add({b})"),
    ("maximum", "torch.maximum({a}, {b})"),
]

# same shape, and these shape rules
JOINING = [
    ("cat", "torch.cat([{a}, {b}])", _need(lambda s: len(s) >= 1, lambda s: (2 * s[0], *s[1:]))),
    ("stack", "torch.stack([{a}, {b}])", lambda s: (2, *s)),
    (
        "cat_last",
        "torch.cat([{a}, {b}], dim=-1)",
        _need(lambda s: len(s) >= 1, lambda s: (*s[:-1], 2 * s[-1])),
    ),
    ("einsum_mul", 'torch.einsum("ij,ij->ij", {a}, {b})', _need(lambda s: len(s) == 2, _same)),
]

# a (m, k) and b (k, p) -> (m, p); linear: b (p, k)
MATMUL = [
    ("matmul_op", "{a} @ {b}"),
    ("matmul", "torch.matmul({a}, {b})"),
    ("mm", "torch.mm({a}, {b})"),
    ("einsum_mm", 'torch.einsum("ij,jk->ik", {a}, {b})'),
    ("matmul_method", "{a}.matmul({b})"),
    ("linear", "F.linear({a}, {b})"),
]

INPLACE = [
    ("iadd", "{a} += {b}"),
    ("imul_scalar", "{a} *= 2.0"),
    ("isub", "{a} -= {b}"),
    ("imul", "{a} *= {b}"),
    ("idiv", "{a} /= {b}"),
    ("iadd_scalar", "{a} += 1.0"),
    ("idiv_scalar", "{a} /= 2.0"),
    ("add_", "{a}.add_({b})"),
    ("mul__scalar", "{a}.mul_(2.0)"),
]

# helper bodies stay shape-preserving and elementwise, so any one shape fits every parameter
HELPER_UNARY = [u for u in UNARY if u[2] is _same and not u[3]] + [
    (s[0], s[1], _same, False) for s in SCALAR
]

STATEMENTS = [
    "decl",
    "unary",
    "binary",
    "collective",
    "reveal",
    "scalar",
    "unary",
    "binary",
    "collective",
    "collective",
    "matmul",
    "inplace",
    "reassert",
    "nograd",
    "ifelse",
    "call",
    "call",
]
SIMPLE = [
    "decl",
    "unary",
    "binary",
    "collective",
    "reveal",
    "scalar",
    "collective",
    "matmul",
    "inplace",
    "call",
]


class Builder:
    """Draws one program; ``draw`` is hypothesis's."""

    def __init__(self, draw, library: bool = False) -> None:
        self.draw = draw
        self.library = library
        self.counter = 0
        self.helpers: list[tuple[str, int, list[Line]]] = []  # name, arity, lines
        self.params: list[Param] = []
        self.in_helper = False
        self.uses_groups = False
        self.uses_flag = False

    # -- drawing helpers
    def choice(self, options):
        return self.draw(st.sampled_from(options))

    def maybe(self, percent: int) -> bool:
        """True with about this chance; shrinks to False."""
        return self.draw(st.integers(0, 99)) >= 100 - percent

    def usually(self, percent: int) -> bool:
        """True with about this chance; shrinks to True."""
        return self.draw(st.integers(0, 99)) < percent

    def fresh(self, prefix: str) -> str:
        self.counter += 1
        return f"{prefix}{self.counter}"

    def group(self, axis: str) -> str:
        """The variable holding the process group of a mesh dim (a parameter in library form)."""
        return f"{axis}_group" if self.library else axis

    def groups_allowed(self) -> bool:
        # a library program's helpers are module-level code above the driver: no group in scope
        return not (self.library and self.in_helper)

    def axis(self) -> str:
        name = self.choice(["tp", "dp"])
        if self.maybe(35) and self.groups_allowed():
            self.uses_groups = True
            return self.group(name)
        return f'"{name}"'

    # -- the program
    def program(self) -> Program:
        pool: list[Var] = []
        n = self.draw(st.integers(1, 14))
        body = self.block(pool, n, depth=0)
        helpers = [lines for _, _, lines in self.helpers]
        if self.library and pool and body:
            last = pool[-1].name
            body.append(Line(0, f"return {last}", "return"))
        return Program(
            helpers, body, self.uses_groups, self.uses_flag, self.library, list(self.params)
        )

    def block(self, pool: list[Var], n: int, depth: int, simple: bool = False) -> list[Line]:
        lines: list[Line] = []
        for _ in range(n):
            kind = self.choice(SIMPLE if simple or depth >= 2 else STATEMENTS)
            lines += self.statement(kind, pool, depth)
        return lines

    def statement(self, kind: str, pool: list[Var], depth: int) -> list[Line]:
        if not pool and kind not in ("ifelse", "nograd"):
            kind = "decl"
        if not pool:
            return self.decl(pool, depth)
        return getattr(self, f"st_{kind}")(pool, depth)

    def result(self, pool: list[Var], var: Var, text: str, label: str, depth: int) -> list[Line]:
        pool.append(var)
        lines = [Line(depth, f"{var.name} = {text}", label)]
        if self.maybe(35):
            lines.append(Line(depth, f"reveal_type({var.name})", f"reveal<-{label}"))
        return lines

    def operand(self, pool: list[Var], pred=lambda v: True) -> Var | None:
        candidates = [v for v in pool if pred(v)]
        return self.choice(candidates) if candidates else None

    # -- declarations
    def types_text(self, shape: Shape, hint_out: Hint, keep: Hint | None = None) -> str:
        """An assert_type type argument; fills ``hint_out`` with what it says."""
        kinds = ["R", "V", "P", "I", "S"]
        per_axis: dict[str, str] = {}
        for axis in AXES:
            if keep is not None and keep.get(axis) is not None and self.usually(85):
                per_axis[axis] = keep[axis]  # type: ignore[assignment]
                continue
            k = self.choice(kinds)
            if k == "S" or (k.startswith("S") and int(k[1:]) >= len(shape)):
                k = f"S{self.choice(range(min(len(shape), 2)))}" if shape else "V"
            per_axis[axis] = k
        form = "one-axis" if self.maybe(5) else self.choice(["dict", "dict", "bare", "dict+bare"])
        if form == "bare":
            hint_out.update({a: "R" for a in AXES})
            return "R"
        keys_as_groups = self.maybe(30) and self.groups_allowed()
        if keys_as_groups:
            self.uses_groups = True

        def key(a: str) -> str:
            return self.group(a) if keys_as_groups else f'"{a}"'

        if form in ("dict+bare", "one-axis"):
            axis = self.choice(list(AXES))
            hint_out.update({a: ("R" if form == "dict+bare" else None) for a in AXES})
            hint_out[axis] = per_axis[axis]
            text = "{" + f"{key(axis)}: {_spell_type(per_axis[axis])}" + "}"
            return text + (", R" if form == "dict+bare" else "")
        hint_out.update(per_axis)
        return "{" + ", ".join(f"{key(a)}: {_spell_type(t)}" for a, t in per_axis.items()) + "}"

    def decl(self, pool: list[Var], depth: int, shape: Shape | None = None) -> list[Line]:
        name = self.fresh("x")
        if shape is None:
            shape = self.choice([(4, 4), (4, 4), (4,), (2, 4), (4, 8)])
        grad = self.choice([", requires_grad=True", ", requires_grad=False", ""])
        hint: Hint = {}
        types = self.types_text(shape, hint)
        var = Var(name, shape, hint, "decl", inplace_ok=grad != ", requires_grad=True")
        pool.append(var)
        dims = ", ".join(str(d) for d in shape) or "()"
        created = f"{name} = torch.randn({dims}{grad})"
        asserted = f"spmd.assert_type({name}, {types})"
        if self.library and depth == 0:
            # a parameter of the library function: the driver creates it; the assertion is
            # the library's (inside) or the caller's (outside)
            inside = self.usually(50)
            self.params.append(Param(name, created, [] if inside else [asserted]))
            lines = [Line(depth, asserted, "assert_type")] if inside else []
        else:
            lines = [Line(depth, created, "decl"), Line(depth, asserted, "assert_type")]
        if self.maybe(25):
            lines.append(Line(depth, f"reveal_type({name})", "reveal<-decl"))
        return lines

    def st_decl(self, pool: list[Var], depth: int) -> list[Line]:
        return self.decl(pool, depth)

    def partner(
        self, pool: list[Var], a: Var, pred, shape: Shape, depth: int
    ) -> tuple[list[Line], Var]:
        """A second operand satisfying ``pred``, preferably of a compatible type; declared if need be."""
        candidates = [v for v in pool if pred(v)]
        if candidates and self.usually(60):
            good = [v for v in candidates if compatible(a.hint, v.hint)]
            if good:
                candidates = good
        if candidates and self.usually(85):
            return [], self.choice(candidates)
        lines = self.decl(pool, depth, shape=shape)
        return lines, pool[-1]

    # -- torch ops
    def st_unary(self, pool: list[Var], depth: int) -> list[Line]:
        a = self.operand(pool)
        options = [u for u in UNARY if u[2](a.shape) is not None]
        label, template, rule, view = self.choice(options)
        var = Var(self.fresh("y"), rule(a.shape), combine(a.hint), label, inplace_ok=not view)
        return self.result(pool, var, template.format(a=a.name), label, depth)

    def st_scalar(self, pool: list[Var], depth: int) -> list[Line]:
        a = self.operand(pool)
        label, template = self.choice(SCALAR)
        var = Var(self.fresh("y"), a.shape, combine(a.hint), label, inplace_ok=True)
        return self.result(pool, var, template.format(a=a.name), label, depth)

    def st_binary(self, pool: list[Var], depth: int) -> list[Line]:
        a = self.operand(pool)
        if self.usually(75):
            label, template = self.choice(ELEMENTWISE)
            lines, b = self.partner(
                pool, a, lambda v: v.shape == a.shape or v.shape == (), a.shape, depth
            )
            shape = a.shape
        else:
            options = [j for j in JOINING if j[2](a.shape) is not None]
            if not options:
                return self.st_unary(pool, depth)
            label, template, rule = self.choice(options)
            lines, b = self.partner(pool, a, lambda v: v.shape == a.shape, a.shape, depth)
            shape = rule(a.shape)
        if self.maybe(20):
            a, b = (b, a) if b.shape == a.shape else (a, b)
        var = Var(self.fresh("y"), shape, combine(a.hint, b.hint), label, inplace_ok=True)
        return lines + self.result(pool, var, template.format(a=a.name, b=b.name), label, depth)

    def st_matmul(self, pool: list[Var], depth: int) -> list[Line]:
        a = self.operand(pool, lambda v: len(v.shape) == 2)
        if a is None:
            return self.st_unary(pool, depth)
        label, template = self.choice(MATMUL)
        if label == "linear":
            lines, b = self.partner(
                pool,
                a,
                lambda v: len(v.shape) == 2 and v.shape[1] == a.shape[1],
                (4, a.shape[1]),
                depth,
            )
            shape = (a.shape[0], b.shape[0])
        else:
            lines, b = self.partner(
                pool,
                a,
                lambda v: len(v.shape) == 2 and v.shape[0] == a.shape[1],
                (a.shape[1], 4),
                depth,
            )
            shape = (a.shape[0], b.shape[1])
        var = Var(self.fresh("y"), shape, combine(a.hint, b.hint), label, inplace_ok=True)
        return lines + self.result(pool, var, template.format(a=a.name, b=b.name), label, depth)

    def st_inplace(self, pool: list[Var], depth: int) -> list[Line]:
        a = self.operand(pool, lambda v: v.inplace_ok)
        if a is None:
            return self.st_scalar(pool, depth)
        label, template = self.choice(INPLACE)
        lines: list[Line] = []
        b_name = ""
        if "{b}" in template:
            lines, b = self.partner(
                pool, a, lambda v: v.shape == a.shape or v.shape == (), a.shape, depth
            )
            b_name = b.name
            if combine(a.hint, b.hint) != {k: _hint_kind(v) for k, v in a.hint.items()}:
                a.hint = {axis: None for axis in AXES}
        lines.append(Line(depth, template.format(a=a.name, b=b_name), label))
        if self.maybe(35):
            lines.append(Line(depth, f"reveal_type({a.name})", f"reveal<-{label}"))
        return lines

    def st_reveal(self, pool: list[Var], depth: int) -> list[Line]:
        a = self.operand(pool)
        return [Line(depth, f"reveal_type({a.name})", f"reveal<-{a.origin}")]

    def st_reassert(self, pool: list[Var], depth: int) -> list[Line]:
        a = self.operand(pool)
        hint: Hint = {}
        text = self.types_text(a.shape, hint, keep=a.hint)
        a.hint = {axis: hint.get(axis) or a.hint.get(axis) for axis in AXES}
        return [Line(depth, f"spmd.assert_type({a.name}, {text})", "reassert")]

    # -- collectives
    def st_collective(self, pool: list[Var], depth: int) -> list[Line]:
        a = self.operand(pool)
        axis = self.axis()
        axis_name = axis.strip('"').removesuffix("_group")
        n = AXES[axis_name]
        have = a.hint.get(axis_name)
        ops = list(COLLECTIVES)
        if have is not None and self.usually(80):  # an op that takes the operand's type
            kind = _kind(have) or ""
            ops = [
                o
                for o in ops
                if kind in COLLECTIVES[o]["srcs"] or (o == "invariant_to_replicate" and kind == "I")
            ]
        op = self.choice(ops)
        spec = COLLECTIVES[op]
        if op == "invariant_to_replicate":
            text = f"spmd.{op}({a.name}, {axis})"
            hint = (
                dict(a.hint, **{axis_name: "R"}) if have in ("I", None) else {x: None for x in AXES}
            )
            var = Var(self.fresh("c"), a.shape, hint, op)
            return self.result(pool, var, text, op, depth)

        def spellings(kinds: str) -> list[str]:
            out: list[str] = []
            for k in kinds:
                out += [f"S{d}" for d in range(min(len(a.shape), 2))] if k == "S" else [k]
            return out

        # (src as written or None, dst as written or None), the runtime's shape for each
        srcs: list[str | None] = spellings(ALL_KINDS if self.maybe(15) else spec["srcs"])
        dsts: list[str | None] = spellings(ALL_KINDS if self.maybe(15) else spec["dsts"])
        if spec["src"] or self.maybe(3):
            srcs.append(None)
        if spec["dst"] or self.maybe(3):
            dsts.append(None)
        combos = []
        for s in srcs:
            for d in dsts:
                eff_s = s if s is not None else (spec["src"][0] if spec["src"] else None)
                eff_d = d if d is not None else (spec["dst"][0] if spec["dst"] else None)
                shape = transfer(op, eff_s, eff_d, n, a.shape)
                if shape is not None:
                    combos.append((s, d, eff_s, eff_d, shape))
        if not combos:
            return self.st_unary(pool, depth)
        if have is not None and self.usually(85):
            matching = [c for c in combos if c[2] == have or (c[2] == "V" and have.startswith("S"))]
            combos = matching or combos
        src, dst, eff_src, eff_dst, shape = self.choice(combos)
        args = [a.name, axis]
        if src is not None:
            args.append(f"src={_spell_type(src)}")
        if dst is not None:
            args.append(f"dst={_spell_type(dst)}")
        if spec.get("expert"):
            expert = self.choice([None, True, False])
            if expert is not None:
                args.append(f"expert_mode={expert}")
        if (
            have is not None
            and eff_src is not None
            and _hint_kind(eff_src) == _hint_kind(have)
            and eff_dst
        ):
            hint = dict(a.hint, **{axis_name: _hint_kind(eff_dst)})
        else:
            hint = {x: None for x in AXES}
        var = Var(self.fresh("c"), shape, hint, op)
        return self.result(pool, var, f"spmd.{op}({', '.join(args)})", op, depth)

    # -- control flow
    def st_nograd(self, pool: list[Var], depth: int) -> list[Line]:
        inner = self.block(pool, self.draw(st.integers(1, 3)), depth + 1, simple=True)
        return [Line(depth, "with torch.no_grad():", "no_grad"), *inner]

    def _shape_preserving(self, a: Var, pool: list[Var]) -> tuple[str, str, Hint]:
        """An expression of ``a`` (and maybe a same-shape var) with a's shape."""
        form = self.choice(["unary", "alias", "scalar", "binary"])
        if form == "alias":
            return a.name, "alias", dict(a.hint)
        if form == "binary":
            others = [v for v in pool if v.shape == a.shape]
            b = self.choice(others)
            label, template = self.choice(ELEMENTWISE)
            return template.format(a=a.name, b=b.name), label, combine(a.hint, b.hint)
        if form == "scalar":
            label, template = self.choice(SCALAR)
            return template.format(a=a.name), label, dict(a.hint)
        label, template, _, _ = self.choice([u for u in UNARY if u[2] is _same and not u[3]])
        return template.format(a=a.name), label, dict(a.hint)

    def st_ifelse(self, pool: list[Var], depth: int) -> list[Line]:
        if not pool:
            return self.decl(pool, depth)
        self.uses_flag = True
        outer = list(pool)
        if self.maybe(30):  # no else: rebind an existing variable in the branch
            a = self.choice(outer)
            branch = copy.deepcopy(outer)
            inner = self.block(branch, self.draw(st.integers(0, 2)), depth + 1, simple=True)
            text, label, hint = self._shape_preserving(a, outer)
            lines = [
                Line(depth, "if flag:", "if"),
                *inner,
                Line(depth + 1, f"{a.name} = {text}", label),
            ]
            self._merge(pool, [branch, outer])
            a.hint = combine(a.hint, hint)
            a.inplace_ok = a.inplace_ok and label != "alias"
            a.origin = f"if:{label}"
            return lines
        a = self.choice(outer)
        name = self.fresh("b")
        branches: list[list[Var]] = []
        lines = [Line(depth, "if flag:", "if")]
        hints: list[Hint] = []
        labels: list[str] = []
        for i in range(2):
            if i == 1:
                lines.append(Line(depth, "else:", "else"))
            branch = copy.deepcopy(outer)
            lines += self.block(branch, self.draw(st.integers(0, 2)), depth + 1, simple=True)
            operand = self.choice([v for v in outer if v.shape == a.shape])
            text, label, hint = self._shape_preserving(operand, outer)
            lines.append(Line(depth + 1, f"{name} = {text}", label))
            hints.append(hint)
            labels.append(label)
            branches.append(branch)
        self._merge(pool, branches)
        var = Var(name, a.shape, combine(*hints), "if:" + "|".join(labels), inplace_ok=False)
        pool.append(var)
        if self.maybe(50):
            lines.append(Line(depth, f"reveal_type({name})", f"reveal<-if:{'|'.join(labels)}"))
        return lines

    def _merge(self, pool: list[Var], branches: list[list[Var]]) -> None:
        """After a branch: the outer variables, with hints that differ between the paths forgotten."""
        for i, v in enumerate(pool):
            hints = [b[i].hint for b in branches]
            if any(h != v.hint for h in hints):
                v.hint = combine(v.hint, *hints)
            v.inplace_ok = v.inplace_ok and all(b[i].inplace_ok for b in branches)

    # -- helpers
    def define_helper(self) -> tuple[str, int]:
        self.in_helper = True
        try:
            return self._define_helper()
        finally:
            self.in_helper = False

    def _define_helper(self) -> tuple[str, int]:
        name = f"h{len(self.helpers)}"
        arity = self.choice([1, 2])
        params = ["a", "b"][:arity]
        locals_ = list(params)
        body: list[Line] = []
        for i in range(self.draw(st.integers(1, 3))):
            target = f"t{i}"
            form = self.choice(
                ["unary", "binary", "collective"]
                if arity == 2
                else ["unary", "collective", "binary"]
            )
            if form == "binary":
                label, template = self.choice(ELEMENTWISE)
                text = template.format(a=self.choice(locals_), b=self.choice(locals_))
            elif form == "collective":
                axis = self.axis()
                label = self.choice(
                    ["all_reduce", "reinterpret", "invariant_to_replicate", "convert"]
                )
                x = self.choice(locals_)
                if label == "all_reduce":
                    text = f"spmd.all_reduce({x}, {axis}, src={self.choice('PVR')}, dst={self.choice('RI')})"
                elif label == "invariant_to_replicate":
                    text = f"spmd.invariant_to_replicate({x}, {axis})"
                else:
                    src, dst = self.choice(
                        [("V", "P"), ("I", "V"), ("R", "P"), ("R", "I"), ("I", "R"), ("P", "R")]
                    )
                    text = f"spmd.{label}({x}, {axis}, src={src}, dst={dst})"
            else:
                label, template, _, _ = self.choice(HELPER_UNARY)
                text = template.format(a=self.choice(locals_))
            body.append(Line(1, f"{target} = {text}", label))
            if self.maybe(25):
                body.append(Line(1, f"reveal_type({target})", f"reveal<-{label}"))
            locals_.append(target)
        body.append(Line(1, f"return {locals_[-1]}", "return"))
        lines = [Line(0, f"def {name}({', '.join(params)}):", "def"), *body]
        self.helpers.append((name, arity, lines))
        return name, arity

    def st_call(self, pool: list[Var], depth: int) -> list[Line]:
        if not self.helpers or self.maybe(30):
            name, arity = self.define_helper()
        else:
            name, arity, _ = self.choice(self.helpers)
        a = self.operand(pool)
        lines: list[Line] = []
        args = [a.name]
        if arity == 2:
            lines, b = self.partner(pool, a, lambda v: v.shape == a.shape, a.shape, depth)
            args.append(b.name)
        var = Var(
            self.fresh("z"), a.shape, {x: None for x in AXES}, f"call:{name}", inplace_ok=False
        )
        return lines + self.result(pool, var, f"{name}({', '.join(args)})", f"call:{name}", depth)


LIBRARY_PERCENT = 35  # of the drawn programs, about this many are library programs


@st.composite
def programs(draw, library: bool | None = None) -> Program:
    """Random well-formed programs in the case convention; ``library``: library programs only
    (True), none (False), or drawn (None: about LIBRARY_PERCENT in a hundred; shrinks to a
    script)."""
    if library is None:
        library = draw(st.integers(0, 99)) >= 100 - LIBRARY_PERCENT
    return Builder(draw, library=library).program()
