"""Generate one Megatron-style tensor-parallel module of exactly N lines (a benchmark workload).

    python bench/gen_module.py --lines 10000 [--seed 0] [--errors K] -o tp_10000.py

The module is a sequence of layer groups, each one a column- and a row-parallel
linear, a norm, an MLP, an attention, a transformer block, functional MLPs
(plain and sequence-parallel), a vocabulary-parallel loss and a smoke test that
runs them on a 2 x 4 mesh under ``typecheck()`` (see ``templates.py``). Later
groups sometimes build on earlier groups' classes. ``--errors`` planted errors
(default one per 2,000 lines), each marked ``# planted: CODE``, give the checker
something to report. Deterministic: the same arguments give the same bytes.
Valid Python; it imports torch and spmd_types but the generator needs neither.
"""

from __future__ import annotations

import argparse
import random
import sys
from collections.abc import Callable
from pathlib import Path

if __package__ in (None, ""):  # run as a script: make ``bench`` importable
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench import templates as t

PLANT_ORDER = ("row", "mlp", "fn_mlp", "driver")  # which unit carries each planted error, in turn


def header(lines: int, seed: int, errors: int) -> list[str]:
    return [
        '"""Tensor-parallel layers, functions and their smoke tests (generated benchmark module).',
        "",
        f"bench/gen_module.py --lines {lines} --seed {seed} --errors {errors}. The tp process group",
        'splits the layers, dp the batch. Planted errors are marked "# planted: CODE".',
        '"""',
        "",
        *t.SPMD_IMPORTS,
        "",
        *t.MODULE_CONSTANTS,
        "",
        "",
        *t.INIT_HELPER,
    ]


def group(rng: random.Random, i: int, earlier: list[int], plant: str | None) -> list[t.Unit]:
    """The units of layer group ``i``; ``earlier`` are the groups already written (their
    classes may be reused); ``plant`` names the unit kind that carries an error, if any."""
    base = rng.choice(earlier) if earlier and plant is None and rng.random() < 0.3 else i
    scope = t.Scope(
        column=f"ColumnParallelLinear{base}",
        row=f"RowParallelLinear{i}",
        norm=f"RMSNorm{base}",
    )
    units: list[t.Unit] = []
    if base == i:
        units.append(t.column_class(rng, i, scope, gather_ok=plant is None))
    units.append(t.row_class(rng, i, scope, plant=plant == "row"))
    if base == i:
        units.append(t.norm_class(rng, i, scope))
    units.append(t.mlp_class(rng, i, scope, plant=plant == "mlp"))
    units.append(t.attention_class(rng, i, scope))
    units.append(t.block_class(rng, i, scope))
    units.append(t.fn_mlp(rng, i, scope, plant=plant == "fn_mlp"))
    if rng.random() < 0.6:
        units.append(t.fn_sp_mlp(rng, i, scope))
    if rng.random() < 0.5:
        units.append(t.fn_loss(rng, i, scope))
    if rng.random() < 0.3:
        units.append(t.plain_helper(rng, i))
    if plant is not None or rng.random() < 0.8:
        # the block covers the classes; the planted unit is run directly so its error is found
        wanted = {"block", "fn_mlp", "fn_sp_mlp", "fn_loss", plant}
        targets = [(u.name, u.kind) for u in units if u.kind in wanted]
        units.append(t.driver(i, targets, plant=plant == "driver"))
    return units


def filler(rng: random.Random, i: int) -> Callable[[], t.Unit]:
    """A small unit to use up the last lines of the budget."""
    scope = t.Scope(column="", row="", norm="")
    return rng.choice([lambda: t.plain_helper(rng, i), lambda: t.norm_class(rng, i, scope)])


def generate(lines: int, seed: int = 0, errors: int | None = None) -> str:
    """The module's text: exactly ``lines`` lines, each ending in a newline."""
    if errors is None:
        errors = max(1, lines // 2000)
    rng = random.Random(seed)
    out = header(lines, seed, errors)
    if len(out) > lines:
        raise ValueError(f"at least {len(out)} lines are needed for the header")
    # space the planted errors evenly over the file: plant when passing each mark
    marks = [lines * (k + 1) // (errors + 1) for k in range(errors)]
    planted = 0
    earlier: list[int] = []  # groups that defined their own column-parallel linear and norm
    groups = i = 0
    while True:
        i += 1
        plant = None
        if planted < len(marks) and len(out) >= marks[planted]:
            plant = PLANT_ORDER[planted % len(PLANT_ORDER)]
        block: list[str] = []
        units = group(rng, i, earlier, plant)
        for unit in units:
            block += ["", "", *unit.lines]
        if len(out) + len(block) + 1 > lines:  # +1: the closing comment below
            break
        out += block
        groups += 1
        if any(unit.kind == "column" for unit in units):  # its classes can be reused
            earlier.append(i)
        planted += plant is not None
    while True:  # smaller units while they fit
        i += 1
        unit = filler(rng, i)()
        if len(out) + len(unit.lines) + 3 > lines:
            break
        out += ["", "", *unit.lines]
    if planted < errors:
        raise ValueError(f"{lines} lines leave room for only {planted} planted errors")
    out.append(f"# {groups} layer groups, {planted} planted errors")
    if len(out) < lines:  # at most a few lines to reach the exact size
        out.append("# (generated: padded to the exact size)")
        out += ["#"] * (lines - len(out))
    return "\n".join(out) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--lines", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--errors", type=int, default=None, help="default: one per 2,000 lines")
    parser.add_argument("-o", "--output", help="default: stdout")
    args = parser.parse_args(argv)
    text = generate(args.lines, args.seed, args.errors)
    if args.output:
        Path(args.output).write_text(text, encoding="utf-8")
    else:
        sys.stdout.write(text)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
