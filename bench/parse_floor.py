"""What parsing alone costs: ``ast.parse`` against libcst, on generated modules.

    python bench/parse_floor.py [--lines 2000 10000] [--repeat 5]

The floor under any checker that re-parses a whole module per keystroke (DESIGN.md,
"Parsing"). Prints the median of ``--repeat`` parses per parser and size; libcst with
positions is its MetadataWrapper resolving PositionProvider, what a checker reporting
ranges from libcst's tree would pay.
"""

from __future__ import annotations

import argparse
import ast
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

if __package__ in (None, ""):  # run as a script: make ``bench`` importable
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench import gen_module


def parsers() -> dict[str, Callable[[str], object]]:
    import libcst
    from libcst.metadata import MetadataWrapper, PositionProvider

    def with_positions(text: str) -> object:
        return MetadataWrapper(libcst.parse_module(text)).resolve(PositionProvider)

    return {
        "ast.parse": ast.parse,
        "libcst.parse_module": libcst.parse_module,
        "libcst + positions": with_positions,
    }


def median_ms(parse: Callable[[str], object], text: str, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        parse(text)
        times.append(time.perf_counter() - started)
    return 1000 * statistics.median(times)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--lines", type=int, nargs="+", default=[2000, 10_000])
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args(argv)
    print("| parser | " + " | ".join(f"{n:,} lines, ms" for n in args.lines) + " |")
    print("|---|" + "---:|" * len(args.lines))
    texts = {n: gen_module.generate(n) for n in args.lines}
    for name, parse in parsers().items():
        cells = [f"{median_ms(parse, texts[n], args.repeat):,.0f}" for n in args.lines]
        print(f"| {name} | " + " | ".join(cells) + " |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
