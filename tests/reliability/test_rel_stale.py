"""Never stale: under bursts of edits no diagnostics for an older version arrive after a newer
one (for the edited file, and for the files whose diagnostics its checks touch), the last
version's diagnostics always arrive, and requests about closed or unknown documents get a
proper answer (nothing published for a closed document after its withdrawal).

Long version: ``SPMD_RELIABILITY=long pytest tests/reliability/test_rel_stale.py``.
"""

from __future__ import annotations

import json

import pytest
from edits import Edit, apply, to_change
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from lsp_harness import Server, lines_of, scaled
from lsprotocol import types

STATS = {"bursts": 0, "edits": 0, "publishes": 0, "closed_requests": 0}

CALLEE = """import torch
import spmd_types as spmd


def act(x):
    h = x * 2
    return torch.relu(h)
"""
CALLER = """import torch
import spmd_types as spmd
from spmd_types import P, R
from callee import act

x = torch.randn(4, requires_grad=True)
spmd.assert_type(x, {"tp": P})
y = act(x)
z = torch.relu(x)
"""


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    root = tmp_path_factory.mktemp("stale")
    (root / "callee.py").write_text(CALLEE, encoding="utf-8")
    srv = Server(root)
    yield srv
    print(f"\nnever stale: {json.dumps(STATS)}")
    assert srv.alive()
    srv.stop()


def _versions_in_order(server: Server, uri: str) -> list[int | None]:
    versions = [p.version for _, p in server.publishes(uri)]
    numbered = [v for v in versions if v is not None]
    assert numbered == sorted(numbered), (
        f"an older version was published after a newer one: {versions}"
    )
    return versions


@settings(max_examples=scaled(25, 400), deadline=None, suppress_health_check=list(HealthCheck))
@given(
    target=st.sampled_from(["caller.py", "callee.py"]),
    keys=st.lists(
        st.tuples(
            st.sampled_from(["x", " ", "(", ")", "\n", "#", "DEL", "z = torch.relu(x)\n"]),
            st.sampled_from([0, 0, 0.002, 0.01, 0.03]),
        ),
        min_size=1,
        max_size=30,
    ),
)
def test_bursts_never_publish_stale(
    server: Server, target: str, keys: list[tuple[str, float]]
) -> None:
    caller, callee = server.uri("caller.py"), server.uri("callee.py")
    server.open(callee, CALLEE)
    server.open(caller, CALLER)
    texts = {caller: CALLER, callee: CALLEE}
    uri = caller if target == "caller.py" else callee
    try:
        text = texts[uri]
        at = len(text) - 1  # type before the final newline of the last line
        for key, pause in keys:
            if key == "DEL":
                edit = (
                    Edit(max(0, at - 1), at, "")
                    if at > 0 and text[at - 1] not in "\r\n"
                    else Edit(at, at, "")
                )
            else:
                edit = Edit(at, at, key)
            server.change(uri, [to_change(text, edit)])
            text = apply(text, edit)
            at = edit.start + len(edit.text)
            if pause:
                server.settle(pause)
            STATS["edits"] += 1
        server.diagnostics(uri, server.versions[uri])
        server.settle(0.25)  # anything late would arrive now
        for checked in (caller, callee):
            versions = _versions_in_order(server, checked)
            STATS["publishes"] += len(versions)
        versions = [p.version for _, p in server.publishes(uri)]
        assert versions[-1] == server.versions[uri], versions
    finally:
        server.close(caller)
        server.close(callee)
    STATS["bursts"] += 1


def test_closed_and_unknown_documents_get_answers(server: Server) -> None:
    uri = server.uri("closing.py")
    text = CALLER + "w = torch.relu(x)\n" * 200
    for round_ in range(scaled(10, 100)):
        version = server.open(uri, text)
        if round_ % 2:
            server.diagnostics(uri, version)
        # edits, then close while the check may be running
        for _ in range(5):
            end = types.Position(line=len(lines_of(text)) - 1, character=0)
            server.change(
                uri,
                [
                    types.TextDocumentContentChangePartial(
                        range=types.Range(start=end, end=end), text="#\n"
                    )
                ],
            )
            text += "#\n"
        server.close(uri)
        closed_at = len(server.client.published)  # type: ignore[attr-defined]
        _ask_everything(server, uri)
        server.settle(0.1)
        # a publish already under way when the client closed may still arrive, but the server's
        # withdrawal (no diagnostics, no version) is the last word
        late = [p for _, p in server.client.published[closed_at:] if p.uri == uri]  # type: ignore[attr-defined]
        withdrawals = [i for i, p in enumerate(late) if not p.diagnostics and p.version is None]
        assert withdrawals, [(p.version, len(p.diagnostics)) for p in late]
        assert all(not p.diagnostics for p in late[withdrawals[0] :]), [
            (p.version, len(p.diagnostics)) for p in late
        ]
        text = CALLER + "w = torch.relu(x)\n" * 200
    _ask_everything(server, server.uri("never_opened.py"))
    _ask_everything(server, "untitled:Untitled-1")
    _ask_everything(server, "file:///no/such/folder/x.py")
    assert server.alive()


def _ask_everything(server: Server, uri: str) -> None:
    document = types.TextDocumentIdentifier(uri=uri)
    origin = types.Position(line=0, character=0)
    far = types.Position(line=10**6, character=10**6)
    assert server.hover(uri, origin) is None
    assert server.hover(uri, far) is None
    assert not server.inlay_hints(uri, 10**6)
    actions = server.run(
        server.client.text_document_code_action_async(
            types.CodeActionParams(
                text_document=document,
                range=types.Range(start=origin, end=far),
                context=types.CodeActionContext(
                    diagnostics=[
                        types.Diagnostic(
                            range=types.Range(start=origin, end=origin),
                            message="m",
                            code="spmd-partial-nonlinear",
                            source="spmd",
                        )
                    ]
                ),
            )
        )
    )
    assert not actions  # [] (a tuple once structured), or null
    report = server.run(
        server.client.text_document_diagnostic_async(
            types.DocumentDiagnosticParams(text_document=document)
        )
    )
    assert not list(report.items)
    STATS["closed_requests"] += 5
