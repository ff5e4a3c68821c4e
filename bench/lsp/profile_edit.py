"""Where one keystroke's time goes inside spmd-lsp, stage by stage, in one process.

Replays the keystrokes of the harness (``workload.edit_site``: the same site, the same
growing name) through the server's own pieces: Document.apply, the check (Engine.check, the real checker), the
conversion to LSP diagnostics and their JSON encoding, and prints the median per stage.
``--profile FILE`` also writes a cProfile of the edits (``python -m pstats FILE``).

    python bench/lsp/profile_edit.py bench/scratch/gen/module_10000/tp_10000.py --edits 30
"""

from __future__ import annotations

import argparse
import cProfile
import json
import statistics
import sys
import time
from pathlib import Path

from lsprotocol import types
from pygls.protocol import default_converter

if __package__ in (None, ""):  # run as a script: make ``bench`` importable
    sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from bench.lsp.workload import Typist, edit_site


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("file")
    parser.add_argument("--edits", type=int, default=30)
    parser.add_argument("--profile", metavar="FILE")
    parser.add_argument(
        "--enter-every", type=int, default=0, metavar="N", help="every Nth keystroke an Enter"
    )
    args = parser.parse_args()
    from spmd_check.api import tune_garbage_collector
    from spmd_check.config import Config
    from spmd_lsp.diagnostics import convert_all
    from spmd_lsp.documents import Document
    from spmd_lsp.engine import Engine
    from spmd_lsp.positions import Codec, split_lines
    from spmd_lsp.server import Options

    path = str(Path(args.file).resolve())
    text = Path(path).read_text(encoding="utf-8")
    site = edit_site(text)
    line, column, name = site.line, site.column, site.function
    codec = Codec()
    tune_garbage_collector()  # the server's collection thresholds (spmd_lsp.main)
    engine = Engine(disk_trust=Options().disk_trust)  # as the server trusts the disk
    converter = default_converter()
    doc = Document(uri=Path(path).as_uri(), text=text, version=1)
    started = time.perf_counter()
    result, _ = engine.check(path, doc.text, Config())
    print(
        f"cold check: {1000 * (time.perf_counter() - started):.1f} ms, {len(result.diagnostics)} diagnostics"
    )

    stages: dict[str, list[float]] = {
        k: [] for k in ("apply", "lines", "check", "convert", "encode", "total")
    }
    profiler = cProfile.Profile() if args.profile else None
    typist = Typist(text, site, args.enter_every)
    for index in range(args.edits):
        key = typist.keystroke()
        start = key["range"]["start"]  # type: ignore[index]
        position = types.Position(line=start["line"], character=start["character"])
        change = types.TextDocumentContentChangePartial(
            range=types.Range(start=position, end=position), text=str(key["text"])
        )
        if profiler:
            profiler.enable()
        t0 = time.perf_counter()
        doc.apply(codec, change, index + 2)
        doc.version = index + 2
        t1 = time.perf_counter()
        lines = split_lines(doc.text)
        t2 = time.perf_counter()
        result, _ = engine.check(path, doc.text, Config(), cancelled=lambda: False)
        t3 = time.perf_counter()
        items = convert_all(result.diagnostics, doc.uri, lines, codec)
        t4 = time.perf_counter()
        payload = json.dumps(
            converter.unstructure(
                types.PublishDiagnosticsParams(uri=doc.uri, diagnostics=items, version=doc.version)
            )
        )
        t5 = time.perf_counter()
        if profiler:
            profiler.disable()
        engine.release()  # as the server does when idle between keystrokes, untimed
        for key, value in zip(
            stages, (t1 - t0, t2 - t1, t3 - t2, t4 - t3, t5 - t4, t5 - t0), strict=True
        ):
            value *= 1000
            stages[key].append(value)
    print(
        f"edit site {line + 1}:{column + 1} ({name}); {len(result.diagnostics)} diagnostics, {len(payload)} bytes"
    )
    for key, values in stages.items():
        values.sort()
        p95 = values[min(len(values) - 1, int(0.95 * len(values)))]
        print(f"{key:8s} p50 {statistics.median(values):7.2f} ms   p95 {p95:7.2f} ms")
    if profiler:
        profiler.dump_stats(args.profile)


if __name__ == "__main__":
    main()
