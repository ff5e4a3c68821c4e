"""Bounded memory: a soak of edits across several open files (typing, deleting, pasting,
hovering) keeps the server's RSS within a stated bound after warm-up.

Short version: 500 edits. Long version (10,000 edits):
``SPMD_RELIABILITY=long pytest tests/reliability/test_rel_memory.py -s`` prints the RSS curve.
The bound (docs/reliability.md): after warm-up, RSS grows by at most GROWTH_BOUND_MIB: 25 MiB
over 500 edits, 45 MiB over 10,000 (measured: +5.9 and +17.3 MiB; the parse cache filling
up to its 3,000 statements and the process-wide memo tables up to their bounds).
"""

from __future__ import annotations

import json
import random

from edits import Edit, apply, to_change
from lsp_harness import REPO, Server, copy_corpus, lines_of, position_at, scaled

EDITS = scaled(500, 10_000)
WARM_UP = EDITS // 10
GROWTH_BOUND_MIB = float(scaled(25, 45))
FILES = [
    "examples/megatron_mlp.py",
    "examples/tp_attention.py",
    "examples/dp_tp_loss.py",
    "examples/tp_transformer/model.py",
    "examples/tp_transformer/mlp.py",
]


def test_soak_keeps_memory_bounded(tmp_path) -> None:  # type: ignore[no-untyped-def]
    copy_corpus(tmp_path)
    server = Server(tmp_path, {"spmdTypes": {"inlayHints": True}})
    rng = random.Random(7)
    texts = {server.uri(f): (REPO / f).read_text(encoding="utf-8") for f in FILES}
    originals = dict(texts)
    for uri, text in texts.items():
        server.open(uri, text)
    samples: list[tuple[int, float]] = []
    caches: list[object] = []
    try:
        for step in range(1, EDITS + 1):
            uri = rng.choice(list(texts))
            text = texts[uri]
            action = rng.random()
            if len(text) > 3 * len(originals[uri]) or action < 0.02:
                edit = Edit(0, len(text), originals[uri])  # back to the start (select all, paste)
            elif action < 0.55:
                at = rng.randint(0, len(text))
                if 0 < at < len(text) and text[at - 1] == "\r" and text[at] == "\n":
                    at += 1
                choices = ["x", " ", "(", ")", "\n", "torch.relu(x)", "é", "𝔘"]  # noqa: RUF001
                edit = Edit(at, at, rng.choice(choices))
            elif action < 0.9:
                at = rng.randint(0, max(0, len(text) - 1))
                end = min(len(text), at + rng.randint(1, 8))
                if end < len(text) and text[end - 1] == "\r" and text[end] == "\n":
                    end += 1
                edit = Edit(at, end, "")
            else:
                lines = lines_of(originals[uri])
                first = rng.randint(0, len(lines) - 1)
                edit = Edit(len(text), len(text), "\n".join(lines[first : first + 10]) + "\n")
            version = server.change(uri, [to_change(text, edit)])
            texts[uri] = apply(text, edit)
            if step % 5 == 0:
                server.diagnostics(uri, version)
                server.hover(uri, position_at(texts[uri], rng.randint(0, len(texts[uri]))))
            if step % 25 == 0:
                server.inlay_hints(uri, len(lines_of(texts[uri])))
            if step % max(1, EDITS // 20) == 0 or step == WARM_UP:
                server.settle(0.3)  # let the idle collection run, as between bursts of typing
                stats = server.stats()
                rss = stats.rss / 2**20
                samples.append((step, rss))
                caches.append((step, stats.caches, stats.frozen, stats.collections, stats.memos))
        for uri in texts:  # every file's last version is checked
            server.diagnostics(uri, server.versions[uri])
        server.settle(0.3)
        stats = server.stats()
        final = stats.rss / 2**20
        samples.append((EDITS, final))
        assert server.alive()
        # pygls files a future for every handler it runs; the server lets the finished ones go
        # (server/protocol.py): one per keystroke stayed, ~1.5 KiB each, before
        assert stats.filed_handlers is not None and stats.filed_handlers <= 2, stats
    finally:
        server.stop()
    warm = next(rss for step, rss in samples if step >= WARM_UP)
    peak_after = max(rss for step, rss in samples if step >= WARM_UP)
    print(
        f"\nmemory soak: {EDITS} edits over {len(FILES)} files; RSS MiB after warm-up {warm:.1f}, "
        f"peak after {peak_after:.1f}, final {final:.1f}; samples {json.dumps([(s, round(r, 1)) for s, r in samples])}"
    )
    print("caches:", caches)
    assert peak_after - warm <= GROWTH_BOUND_MIB, samples


SYNTAX_ERROR = "import torch\nimport spmd_types as spmd\ndef f(x:\n    return x\ny = torch.relu(torch.randn(4))\n"


def test_engine_keeps_no_check_alive_through_cached_errors() -> None:
    """Regression (found by the soak): the checker caches each statement's SyntaxError with
    its traceback, whose frames hold the whole check that parsed it. The server drops those
    tracebacks after every check."""
    from spmd_check.config import Config
    from spmd_lsp.engine import Engine

    engine = Engine()
    for index in range(3):
        engine.check(f"/mem/m{index}.py", SYNTAX_ERROR + f"z{index} = 1\n", Config())
    (analyzer,) = engine._checkers.values()  # type: ignore[attr-defined]
    errors = [error for _, error in analyzer._cache._trees.values() if error is not None]  # type: ignore[attr-defined]
    assert errors and all(error.__traceback__ is None for error in errors)


def test_checker_parse_cache_keeps_no_tracebacks() -> None:
    from spmd_check.frontend import UnitCache

    cache = UnitCache()
    _, tree, error = cache.parse("def f(x:\n    return x\n")
    assert tree is None and error is not None
    assert error.__traceback__ is None
