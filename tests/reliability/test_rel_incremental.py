"""Incremental equals from scratch: after random incremental edits sent over the protocol, the
diagnostics, hovers and inlay hints of the final text equal those of a server that opens the
final text fresh.

Short version: a few dozen examples in the normal suite. Long version:
``SPMD_RELIABILITY=long pytest tests/reliability/test_rel_incremental.py`` (docs/reliability.md).
"""

from __future__ import annotations

import json

import pytest
from edits import apply, draw_edit, sample_offsets, to_change
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from lsp_harness import (
    REPO,
    Server,
    copy_corpus,
    corpus,
    dump_failure,
    lines_of,
    normalise,
    position_at,
    scaled,
)

CORPUS = corpus()
TEXTS = {path: path.read_text(encoding="utf-8") for path in CORPUS}
EXAMPLES = scaled(60, 1500)
STATS = {
    "examples": 0,
    "edits": 0,
    "changes": 0,
    "hovers": 0,
    "nonempty_hovers": 0,
    "diagnostics": 0,
    "hints": 0,
}


@pytest.fixture(scope="module")
def servers(tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    roots = [tmp_path_factory.mktemp("incremental"), tmp_path_factory.mktemp("fresh")]
    for root in roots:
        copy_corpus(root)
    options = {"spmdTypes": {"inlayHints": True}}
    edited, fresh = Server(roots[0], options), Server(roots[1], options)
    yield edited, fresh
    print(f"\nincremental == fresh: {json.dumps(STATS)}")
    for server in (edited, fresh):
        assert server.alive()
        server.stop()


def _answers(
    server: Server, uri: str, text: str, version: int, offsets: list[int]
) -> dict[str, object]:
    diagnostics = server.diagnostics(uri, version)
    hovers = [server.hover(uri, position_at(text, offset)) for offset in offsets]
    hints = server.inlay_hints(uri, len(lines_of(text)))
    return {"diagnostics": diagnostics, "hovers": hovers, "hints": hints}


@settings(
    max_examples=EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck), derandomize=False
)
@given(data=st.data())
def test_incremental_equals_from_scratch(
    servers: tuple[Server, Server], data: st.DataObject
) -> None:
    edited, fresh = servers
    source = data.draw(st.sampled_from(CORPUS))
    relative = source.relative_to(REPO).as_posix()
    text = TEXTS[source]
    corpus_texts = list(TEXTS.values())
    uri = edited.uri(relative)
    edited.open(uri, text)
    history: list = []
    sent: list = []  # every didChange, for a replay
    actions = data.draw(st.integers(1, 12))
    try:
        for _ in range(actions):
            edits = draw_edit(data, text, corpus_texts, history)
            batch = data.draw(st.booleans())  # several changes in one didChange, or one each
            changes = []
            for edit in edits:
                changes.append(to_change(text, edit))
                old = text[edit.start : edit.end]
                text = apply(text, edit)
                if not edit.undo:
                    history.append((edit, old))
                if not batch:
                    edited.change(uri, changes)
                    sent.append([normalise(c, []) for c in changes])
                    changes = []
                STATS["edits"] += 1
            if changes:
                edited.change(uri, changes)
                sent.append([normalise(c, []) for c in changes])
            STATS["changes"] += 1
        final_version = edited.versions[uri]
        offsets = sample_offsets(text, 10, seed=len(text))
        got = _answers(edited, uri, text, final_version, offsets)
        fresh_uri = fresh.uri(relative)
        fresh_version = fresh.open(fresh_uri, text)
        want = _answers(fresh, fresh_uri, text, fresh_version, offsets)
    finally:
        edited.close(uri)
        if fresh.uri(relative) in fresh.versions:
            fresh.close(fresh.uri(relative))
    roots = [edited.root, fresh.root]
    STATS["examples"] += 1
    STATS["hovers"] += len(offsets)
    STATS["nonempty_hovers"] += sum(1 for h in want["hovers"] if h is not None)  # type: ignore[attr-defined]
    STATS["diagnostics"] += len(want["diagnostics"])  # type: ignore[arg-type]
    STATS["hints"] += len(want["hints"])  # type: ignore[arg-type]
    got_n = {k: normalise(v, roots) for k, v in got.items()}
    want_n = {k: normalise(v, roots) for k, v in want.items()}
    key = lambda d: json.dumps(d, sort_keys=True)  # noqa: E731
    got_n["diagnostics"] = sorted(got_n["diagnostics"], key=key)
    want_n["diagnostics"] = sorted(want_n["diagnostics"], key=key)
    if got_n != want_n:
        where = dump_failure(
            "incremental",
            path=relative,
            original=TEXTS[source],
            changes=sent,
            final=text,
            offsets=offsets,
            got=got_n,
            want=want_n,
        )
        assert got_n == want_n, (
            f"{relative}: incremental and fresh answers differ; details in {where}"
        )
