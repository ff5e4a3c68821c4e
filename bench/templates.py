"""Code templates shared by the generators: Megatron-style tensor-parallel units as lines.

Each template returns a ``Unit``: the lines of one top-level class or function,
the name it defines, and what kind of thing it is (the driver templates use the
kind to know how to build and call it). The code mirrors ``examples/``: column-
and row-parallel linears over a ``tp`` process group, Invariant activations
between blocks, Partial sums reduced with ``all_reduce``, sequence parallelism
with ``all_gather``/``reduce_scatter``, a vocabulary-parallel loss. Drivers build
a 2 x 4 mesh and run the units under ``typecheck()``, so the checker sees typed
values flow through them, as it does in a real code base's tests and scripts.

Randomness only picks among equivalent spellings, sizes and optional lines, so
that the output is varied but every choice is valid Python and, unless a unit is
asked to plant an error, well-typed code.
"""

from __future__ import annotations

import ast
import random
from dataclasses import dataclass, field

# What each kind takes and gives on the tp axis (dp is V throughout: a batch shard).
CLASS_KINDS = ("column", "row", "norm", "mlp", "attention", "block", "model")
FUNCTION_KINDS = ("fn_mlp", "fn_sp_mlp", "fn_loss")

# The errors a unit can plant, by diagnostic code; each is one line the runtime rejects.
PLANTABLE = {
    "row": "spmd-src-mismatch",
    "mlp": "spmd-partial-nonlinear",
    "fn_mlp": "spmd-partial-nonlinear",
    "driver": "spmd-backward-loss",
}


@dataclass
class Unit:
    """One top-level definition: its lines (no trailing blank lines), its name and kind."""

    lines: list[str]
    name: str
    kind: str
    planted: list[str] = field(default_factory=list)  # codes of the errors planted in it


@dataclass
class Scope:
    """How a unit names the things it builds on: local classes, or imported ones.

    ``column``/``row``/``norm`` are expressions naming classes (``ColumnParallelLinear3``,
    ``layers.ColumnParallelLinear``); ``reduce``/``copy`` name the mapping functions that
    leave and enter the tensor-parallel region, or None to spell the collective inline.
    """

    column: str
    row: str
    norm: str
    mlp: str | None = None
    attention: str | None = None
    copy: str | None = None
    reduce: str | None = None


MODULE_CONSTANTS = [
    "BATCH, SEQ = 4, 16  # per data-parallel rank",
    "HIDDEN, HEADS, FFN_HIDDEN, VOCAB = 64, 8, 256, 512",
    "EPS = 1e-6",
]

SPMD_IMPORTS = [  # in isort's order, so that the peer linter has nothing to say about them
    "import spmd_types as spmd",
    "import torch",
    "import torch.distributed as dist",
    "import torch.nn.functional as F",
    "from spmd_types import I, P, R, V",
    "from spmd_types.checker import typecheck",
    "from torch import nn",
    "from torch.distributed.device_mesh import init_device_mesh",
]

INIT_HELPER = [
    "def _init(in_features, out_features, std=None):",
    '    """A weight of the given shape, drawn in a single factory call: arithmetic on a',
    '    factory result under a current mesh would be typed on no axis and rejected."""',
    "    std = in_features**-0.5 if std is None else std",
    "    return torch.normal(0.0, std, (in_features, out_features))",
]


def _enter(scope: Scope, value: str, group: str) -> str:
    """Entering the tensor-parallel region: I -> R, an all-reduce of the gradient in backward."""
    if scope.copy:
        return f"{scope.copy}({value}, {group})"
    return f"spmd.convert({value}, {group}, src=I, dst=R)"


def _leave(scope: Scope, value: str, group: str) -> str:
    """Leaving it: the sum over the ranks of a Partial value, Invariant afterwards."""
    if scope.reduce:
        return f"{scope.reduce}({value}, {group})"
    return f"spmd.all_reduce({value}, {group}, src=P, dst=I)"


def column_class(
    rng: random.Random, i: int, scope: Scope, gather_ok: bool = True, name: str | None = None
) -> Unit:
    """``gather_ok``: may have Megatron's gather_output option. The checker joins the two
    branches' types (V, I) to Unknown, so a group that plants an error does without it."""
    name = name or f"ColumnParallelLinear{i}"
    gather = rng.random() < 0.2 and gather_ok
    lines = [
        f"class {name}(nn.Module):",
        f'    """y = x @ W[:, cols] + b[cols] (unit {i}): Invariant input on tp, Varying output."""',
        "",
        "    def __init__(self, in_features, out_features, tp, bias=True"
        + (", gather_output=False" if gather else "")
        + "):",
        "        super().__init__()",
        "        self.tp = tp",
        "        local_out = out_features // tp.size()",
        "        self.weight = nn.Parameter(_init(in_features, local_out))",
        "        # R on every axis but tp, where each rank holds its own columns",
        "        spmd.assert_type(self.weight, R, {self.tp: V})",
        "        self.bias = None",
        "        if bias:",
        "            self.bias = nn.Parameter(torch.zeros(local_out))",
        "            spmd.assert_type(self.bias, R, {self.tp: V})",
    ]
    if gather:
        lines.append("        self.gather_output = gather_output")
    lines += [
        "",
        "    def forward(self, x):",
        f"        y = {_enter(scope, 'x', 'self.tp')} @ self.weight  # R @ V -> V",
        "        if self.bias is not None:",
        "            y = y + self.bias",
    ]
    if gather:
        lines += [
            "        if self.gather_output:",
            "            # every rank gets every column; the backward keeps this rank's slice",
            "            y = spmd.all_gather(y, self.tp, src=V, dst=I)",
        ]
    lines.append("        return y")
    return Unit(lines, name, "column")


def row_class(
    rng: random.Random, i: int, scope: Scope, plant: bool = False, name: str | None = None
) -> Unit:
    name = name or f"RowParallelLinear{i}"
    src = "V" if plant else "P"  # the planted bug: the partial sum called Varying
    lines = [
        f"class {name}(nn.Module):",
        f'    """y = sum over tp of x[rows] @ W[rows, :] + b (unit {i}): Varying input, Invariant output."""',
        "",
        "    def __init__(self, in_features, out_features, tp):",
        "        super().__init__()",
        "        self.tp = tp",
        "        local_in = in_features // tp.size()",
        "        self.weight = nn.Parameter(_init(local_in, out_features))",
        "        spmd.assert_type(self.weight, R, {self.tp: V})",
        "        # added once, after the sum: the same on every tp rank",
        "        self.bias = nn.Parameter(torch.zeros(out_features))",
        "        spmd.assert_type(self.bias, R, {self.tp: I})",
        "",
        "    def forward(self, x):",
        "        partial = spmd.reinterpret(x @ self.weight, self.tp, src=V, dst=P)",
    ]
    if plant:
        lines.append(
            f"        out = spmd.all_reduce(partial, self.tp, src={src}, dst=I)  # planted: spmd-src-mismatch"
        )
    elif scope.reduce and rng.random() < 0.5:
        lines.append(f"        out = {_leave(scope, 'partial', 'self.tp')}")
    else:
        lines.append("        out = spmd.all_reduce(partial, self.tp, src=P, dst=I)")
    lines.append("        return out + self.bias")
    return Unit(lines, name, "row", ["spmd-src-mismatch"] if plant else [])


def norm_class(rng: random.Random, i: int, scope: Scope, name: str | None = None) -> Unit:
    name = name or f"RMSNorm{i}"
    lines = [
        f"class {name}(nn.Module):",
        f'    """Normalisation of an Invariant activation (unit {i}): every tp rank does the same work."""',
        "",
        "    def __init__(self, hidden, tp, eps=EPS):",
        "        super().__init__()",
        "        self.eps = eps",
        "        self.weight = nn.Parameter(torch.ones(hidden))",
        "        spmd.assert_type(self.weight, R, {tp: I})",
        "",
        "    def forward(self, x):",
    ]
    if rng.random() < 0.5:
        lines += [
            "        variance = x.pow(2).mean(dim=-1, keepdim=True)",
            "        return x * torch.rsqrt(variance + self.eps) * self.weight",
        ]
    else:
        lines += [
            "        scale = torch.rsqrt(x.pow(2).mean(dim=-1, keepdim=True) + self.eps)",
            "        return x * scale * self.weight",
        ]
    return Unit(lines, name, "norm")


def mlp_class(rng: random.Random, i: int, scope: Scope, plant: bool = False) -> Unit:
    name = f"ParallelMLP{i}"
    gated = rng.random() < 0.5
    act = rng.choice(["F.gelu", "F.silu", "torch.relu"])
    lines = [f"class {name}(nn.Module):"]
    if gated:
        lines += [
            f'    """Gated MLP (unit {i}): down(act(gate(x)) * up(x)), one all-reduce per MLP."""',
            "",
            "    def __init__(self, hidden, ffn_hidden, tp):",
            "        super().__init__()",
            "        self.tp = tp",
            f"        self.gate = {scope.column}(hidden, ffn_hidden, tp, bias=False)",
            f"        self.up = {scope.column}(hidden, ffn_hidden, tp, bias=False)",
            f"        self.down = {scope.row}(ffn_hidden, hidden, tp)",
            "",
            "    def forward(self, x):",
            "        # x: {tp: I}; both projections are {tp: V}, this rank's hidden units",
            f"        h = {act}(self.gate(x)) * self.up(x)",
        ]
        down = "self.down"
    else:
        lines += [
            f'    """MLP (unit {i}): column-parallel up, elementwise activation, row-parallel down."""',
            "",
            "    def __init__(self, hidden, ffn_hidden, tp):",
            "        super().__init__()",
            "        self.tp = tp",
            f"        self.fc1 = {scope.column}(hidden, ffn_hidden, tp)",
            f"        self.fc2 = {scope.row}(ffn_hidden, hidden, tp)",
            "",
            "    def forward(self, x):",
            f"        h = {act}(self.fc1(x))  # V: fine, a rank's own values",
        ]
        down = "self.fc2"
    if plant:
        # the activation applied once more after the shares were marked as a pending sum
        lines += [
            "        partial = spmd.reinterpret(h, self.tp, src=V, dst=P)",
            f"        return {act}(partial)  # planted: spmd-partial-nonlinear",
        ]
        return Unit(lines, name, "mlp", ["spmd-partial-nonlinear"])
    lines.append(f"        return {down}(h)")
    return Unit(lines, name, "mlp")


def attention_class(rng: random.Random, i: int, scope: Scope) -> Unit:
    name = f"ParallelAttention{i}"
    causal = rng.random() < 0.7
    lines = [
        f"class {name}(nn.Module):",
        f'    """Self-attention with the heads split over tp (unit {i}): no communication until',
        '    the row-parallel output projection."""',
        "",
        "    def __init__(self, hidden, heads, tp):",
        "        super().__init__()",
        '        assert heads % tp.size() == 0, "the heads must split evenly over tp"',
        "        self.local_heads = heads // tp.size()",
        "        self.head_dim = hidden // heads",
        f"        self.qkv = {scope.column}(hidden, 3 * hidden, tp)",
        f"        self.proj = {scope.row}(hidden, hidden, tp)",
        "",
        "    def forward(self, x):",
        "        batch, seq, _ = x.shape",
        "        qkv = self.qkv(x).view(batch, seq, 3, self.local_heads, self.head_dim)",
        "        q, k, v = qkv.permute(2, 0, 3, 1, 4).unbind(0)",
        "        scores = q @ k.transpose(-2, -1) / self.head_dim**0.5",
    ]
    if causal:
        lines += [
            "        # a factory under the current mesh is R on every axis; V + R -> V",
            '        mask = torch.full((seq, seq), float("-inf")).triu(1)',
            "        probs = torch.softmax(scores + mask, dim=-1)",
        ]
    else:
        lines.append("        probs = torch.softmax(scores, dim=-1)")
    lines += [
        "        context = (probs @ v).transpose(1, 2)",
        "        context = context.reshape(batch, seq, self.local_heads * self.head_dim)",
        "        return self.proj(context)",
    ]
    return Unit(lines, name, "attention")


def block_class(rng: random.Random, i: int, scope: Scope) -> Unit:
    name = f"TransformerBlock{i}"
    attention = scope.attention or f"ParallelAttention{i}"
    mlp = scope.mlp or f"ParallelMLP{i}"
    lines = [
        f"class {name}(nn.Module):",
        f'    """Pre-norm residual block (unit {i}): the residual stream stays Invariant on tp."""',
        "",
        "    def __init__(self, hidden, heads, ffn_hidden, tp):",
        "        super().__init__()",
        f"        self.ln1 = {scope.norm}(hidden, tp)",
        f"        self.attn = {attention}(hidden, heads, tp)",
        f"        self.ln2 = {scope.norm}(hidden, tp)",
        f"        self.mlp = {mlp}(hidden, ffn_hidden, tp)",
        "",
        "    def forward(self, x):",
        "        x = x + self.attn(self.ln1(x))",
        "        return x + self.mlp(self.ln2(x))",
    ]
    return Unit(lines, name, "block")


def model_class(rng: random.Random, i: int, scope: Scope, blocks: list[str]) -> Unit:
    """A decoder-only model over ``blocks`` (expressions naming block classes): a replicated
    embedding, the blocks one by one, a norm and a vocabulary-parallel head."""
    name = f"GPTModel{i}"
    lines = [
        f"class {name}(nn.Module):",
        f'    """Decoder-only model (unit {i}): {len(blocks)} blocks, logits split over tp by vocabulary."""',
        "",
        "    def __init__(self, vocab, hidden, heads, ffn_hidden, tp):",
        "        super().__init__()",
        "        self.embed = nn.Parameter(torch.normal(0.0, 1.0, (vocab, hidden)))",
        "        spmd.assert_type(self.embed, R, {tp: I})",
    ]
    for k, block in enumerate(blocks):
        lines.append(f"        self.block{k} = {block}(hidden, heads, ffn_hidden, tp)")
    lines += [
        f"        self.norm = {scope.norm}(hidden, tp)",
        f"        self.head = {scope.column}(hidden, vocab, tp, bias=False)",
        "",
        "    def forward(self, tokens):",
        "        x = F.embedding(tokens, self.embed)  # {dp: V, tp: I}",
    ]
    lines += [f"        x = self.block{k}(x)" for k in range(len(blocks))]
    lines.append("        return self.head(self.norm(x))  # {dp: V, tp: V}")
    return Unit(lines, name, "model")


def fn_mlp(rng: random.Random, i: int, scope: Scope, plant: bool = False) -> Unit:
    name = f"parallel_mlp_{i}"
    act = rng.choice(["F.gelu", "F.silu"])
    lines = [
        f"def {name}(x, fc1, fc2, tp):",
        f'    """Functional tensor-parallel MLP (unit {i}): x {{tp: I}}, fc1 and fc2 {{tp: V}}."""',
        f"    h = {act}({_enter(scope, 'x', 'tp')} @ fc1)  # R @ V -> V",
        "    y = h @ fc2  # V @ V -> V: a partial sum per rank",
    ]
    if plant:
        lines += [
            "    y = spmd.reinterpret(y, tp, src=V, dst=P)",
            f"    return {act}(y)  # planted: spmd-partial-nonlinear",
        ]
        return Unit(lines, name, "fn_mlp", ["spmd-partial-nonlinear"])
    if rng.random() < 0.5:
        lines.append("    return spmd.all_reduce(y, tp, src=V, dst=I)")
    else:
        lines += [
            "    y = spmd.reinterpret(y, tp, src=V, dst=P)",
            f"    return {_leave(scope, 'y', 'tp')}",
        ]
    return Unit(lines, name, "fn_mlp")


def fn_sp_mlp(rng: random.Random, i: int, scope: Scope) -> Unit:
    name = f"sequence_parallel_mlp_{i}"
    act = rng.choice(["F.gelu", "F.silu"])
    lines = [
        f"def {name}(x, fc1, fc2, tp):",
        f'    """Sequence-parallel MLP (unit {i}): x is this rank\'s shard of the sequence."""',
        "    h = spmd.all_gather(x, tp, src=V, dst=R)  # reduce-scatter in backward",
        f"    h = {act}(h @ fc1)",
        "    y = h @ fc2",
        "    return spmd.reduce_scatter(y, tp, src=V, dst=V)",
    ]
    return Unit(lines, name, "fn_sp_mlp")


def fn_loss(rng: random.Random, i: int, scope: Scope) -> Unit:
    name = f"vocab_parallel_loss_{i}"
    lines = [
        f"def {name}(logits, labels, dp, tp, z_loss=1e-4):",
        f'    """Mean cross-entropy over the global batch (unit {i}); logits {{tp: V}} by vocabulary',
        '    slice. Returns a scalar {dp: P, tp: I}: each dp rank\'s share of the mean."""',
        "    local_max = logits.detach().amax(dim=-1, keepdim=True)",
        "    global_max = spmd.all_gather(local_max, tp, src=V, dst=I).amax(dim=0)",
        "    sum_exp = spmd.all_reduce((logits - global_max).exp().sum(dim=-1), tp, src=V, dst=I)",
        "    lse = sum_exp.log() + global_max.squeeze(-1)",
        "    target = spmd.all_reduce(logits.sum(dim=-1) * 0.0, tp, src=V, dst=I)",
        "    per_token = lse - target + z_loss * lse.pow(2)",
        "    share = per_token.mean() / dp.size()",
        "    return spmd.reinterpret(share, dp, src=V, dst=P)",
    ]
    return Unit(lines, name, "fn_loss")


def plain_helper(rng: random.Random, i: int) -> Unit:
    """Code that never touches a tensor type: arithmetic on sizes, as every code base has."""
    name = rng.choice(["divide", "ensure_divisibility", "padded_size"]) + f"_{i}"
    if name.startswith("divide"):
        body = [
            f"def {name}(numerator, denominator):",
            '    """numerator / denominator, which must divide exactly."""',
            "    if numerator % denominator != 0:",
            '        raise ValueError(f"{numerator} is not divisible by {denominator}")',
            "    return numerator // denominator",
        ]
    elif name.startswith("ensure"):
        body = [
            f"def {name}(sizes, world_size):",
            '    """Checks every size splits evenly over world_size; returns the local sizes."""',
            "    local = []",
            "    for size in sizes:",
            "        if size % world_size:",
            '            raise ValueError(f"size {size} does not split over {world_size} ranks")',
            "        local.append(size // world_size)",
            "    return local",
        ]
    else:
        body = [
            f"def {name}(size, multiple=128):",
            '    """size rounded up to a multiple (padded vocabularies split evenly over tp)."""',
            "    return ((size + multiple - 1) // multiple) * multiple",
        ]
    return Unit(body, name, "plain")


MESH_SETUP = [
    "if not dist.is_initialized():",
    '    dist.init_process_group("fake", rank=0, world_size=8)',
    'mesh = init_device_mesh("cpu", (2, 4), mesh_dim_names=("dp", "tp"))',
    'dp = mesh.get_group("dp")',
    'tp = mesh.get_group("tp")',
]


def exercise(unit_name: str, kind: str, k: int, tp: str = "tp", dp: str = "dp") -> list[str]:
    """Statements (indented for a ``with typecheck()`` body) that build and run one unit
    with typed inputs and check the type of what it returns."""
    x, y = f"x{k}", f"y{k}"
    if kind in ("norm", "mlp", "column"):
        ctor = {
            "norm": f"{unit_name}(HIDDEN, {tp})",
            "mlp": f"{unit_name}(HIDDEN, FFN_HIDDEN, {tp})",
            "column": f"{unit_name}(HIDDEN, FFN_HIDDEN, {tp})",
        }[kind]
        out = "V" if kind == "column" else "I"
        return [
            f"{x} = torch.randn(BATCH, HIDDEN)",
            f"spmd.assert_type({x}, {{{dp}: V, {tp}: I}})",
            f"{y} = {ctor}({x})",
            f"spmd.assert_type({y}, {{{dp}: V, {tp}: {out}}})",
        ]
    if kind == "row":
        return [
            f"{x} = torch.randn(BATCH, FFN_HIDDEN // {tp}.size())",
            f"spmd.assert_type({x}, {{{dp}: V, {tp}: V}})",
            f"{y} = {unit_name}(FFN_HIDDEN, HIDDEN, {tp})({x})",
            f"spmd.assert_type({y}, {{{dp}: V, {tp}: I}})",
        ]
    if kind in ("attention", "block"):
        ctor = (
            f"{unit_name}(HIDDEN, HEADS, {tp})"
            if kind == "attention"
            else f"{unit_name}(HIDDEN, HEADS, FFN_HIDDEN, {tp})"
        )
        return [
            f"{x} = torch.randn(BATCH, SEQ, HIDDEN)",
            f"spmd.assert_type({x}, {{{dp}: V, {tp}: I}})",
            f"{y} = {ctor}({x})",
            f"spmd.assert_type({y}, {{{dp}: V, {tp}: I}})",
        ]
    if kind in ("fn_mlp", "fn_sp_mlp"):
        x_tp = "I" if kind == "fn_mlp" else "V"
        return [
            f"{x} = torch.randn(BATCH, HIDDEN)",
            f"spmd.assert_type({x}, {{{dp}: V, {tp}: {x_tp}}})",
            f"w{k}a = torch.randn(HIDDEN, FFN_HIDDEN // {tp}.size(), requires_grad=True)",
            f"spmd.assert_type(w{k}a, {{{dp}: R, {tp}: V}})",
            f"w{k}b = torch.randn(FFN_HIDDEN // {tp}.size(), HIDDEN, requires_grad=True)",
            f"spmd.assert_type(w{k}b, {{{dp}: R, {tp}: V}})",
            f"{y} = {unit_name}({x}, w{k}a, w{k}b, {tp})",
            f"spmd.assert_type({y}, {{{dp}: V, {tp}: {x_tp}}})",
        ]
    if kind == "model":
        return [
            f"tokens{k} = torch.randint(0, VOCAB, (BATCH, SEQ))",
            f"spmd.assert_type(tokens{k}, {{{dp}: V, {tp}: I}})",
            f"{y} = {unit_name}(VOCAB, HIDDEN, HEADS, FFN_HIDDEN, {tp})(tokens{k})",
            f"spmd.assert_type({y}, {{{dp}: V, {tp}: V}})",
        ]
    if kind == "fn_loss":
        return [
            f"logits{k} = torch.randn(BATCH, SEQ, VOCAB // {tp}.size(), requires_grad=True)",
            f"spmd.assert_type(logits{k}, {{{dp}: V, {tp}: V}})",
            f"labels{k} = torch.randint(0, VOCAB, (BATCH, SEQ))",
            f"spmd.assert_type(labels{k}, {{{dp}: V, {tp}: I}})",
            f"loss{k} = {unit_name}(logits{k}, labels{k}, {dp}, {tp})",
            f"loss{k}.backward()",
        ]
    return []


def plant_backward(k: int, tp: str = "tp", dp: str = "dp") -> list[str]:
    """A loss left Varying on dp: backward() would give wrong gradients."""
    return [
        f"per_rank{k} = torch.randn(BATCH, requires_grad=True)",
        f"spmd.assert_type(per_rank{k}, {{{dp}: V, {tp}: I}})",
        f"per_rank{k}.mean().backward()  # planted: spmd-backward-loss",
    ]


def driver(i: int, targets: list[tuple[str, str]], plant: bool = False, indent: str = "") -> Unit:
    """A smoke test: a 2 x 4 mesh, and each target (name, kind) run once under typecheck()."""
    name = f"smoke_test_{i}"
    lines = [
        f"def {name}():",
        f'    """Runs {len(targets)} of this module\'s layers once under the runtime type checker."""',
    ]
    lines += ["    " + line for line in MESH_SETUP]
    lines.append("    with spmd.set_current_mesh(mesh), typecheck():")
    for k, (unit_name, kind) in enumerate(targets):
        lines += ["        " + line for line in exercise(unit_name, kind, k)]
    if plant:
        lines += ["        " + line for line in plant_backward(len(targets))]
    return Unit(
        [indent + line if line else line for line in lines],
        name,
        "driver",
        ["spmd-backward-loss"] if plant else [],
    )


def used_names(lines: list[str]) -> set[str]:
    """The names a block of code reads (``torch`` of ``torch.randn``, ``V`` of ``src=V``)."""
    tree = ast.parse("\n".join(lines))
    return {node.id for node in ast.walk(tree) if isinstance(node, ast.Name)}


def from_import(module: str, names: list[str]) -> list[str]:
    """``from module import a, b``, one name a line past 100 characters (as isort wraps it)."""
    line = f"from {module} import {', '.join(names)}"
    if len(line) <= 100:
        return [line]
    return [f"from {module} import (", *[f"    {name}," for name in names], ")"]


def import_block(body: list[str], candidates: list[str]) -> list[str]:
    """The import lines among ``candidates`` that the body needs, each ``from`` line cut down
    to the names the body uses. Order is kept: callers pass the candidates in isort's order,
    with "" between sections, so that the peer linter has nothing to say about them."""
    used = used_names(body)
    kept: list[str] = []
    for line in candidates:
        if not line:
            if kept and kept[-1]:
                kept.append("")  # a section break, unless the section came out empty
            continue
        if line.startswith("from "):
            module, names = line[len("from ") :].split(" import ", 1)
            wanted = [n.strip() for n in names.split(",") if n.split(" as ")[-1].strip() in used]
            if wanted:
                kept += from_import(module, wanted)
            continue
        target = line[len("import ") :]
        bound = target.split(" as ")[1] if " as " in target else target.split(".")[0]
        if bound in used:
            kept.append(line)
    while kept and not kept[-1]:
        kept.pop()
    return kept
