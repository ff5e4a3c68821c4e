"""The server over the real checker (``spmd_check.analysis.Analyzer``).

These run as soon as the checker's Analyzer exists (until then the
``real_session`` fixture skips them: nothing here is skipped for good).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from conftest import Session, eventually, wait_until
from helpers import apply_edits, edits_of, find, lines, position
from lsprotocol import types

CASE = """import torch
import spmd_types as spmd
from spmd_types import I, P, R, S, V
from spmd_types.checker import typecheck
from torch.distributed.device_mesh import init_device_mesh

mesh = init_device_mesh("cpu", (2, 4), mesh_dim_names=("dp", "tp"))
with spmd.set_current_mesh(mesh), typecheck():
    x = torch.randn(8, 16, requires_grad=True)
    spmd.assert_type(x, {"dp": R, "tp": P})
    note = "é𝔘"; y = torch.relu(x)
"""
ERROR_LINE = 10


def _full_change(session: Session, uri: str, version: int, text: str) -> None:
    session.client.text_document_did_change(
        types.DidChangeTextDocumentParams(
            text_document=types.VersionedTextDocumentIdentifier(uri=uri, version=version),
            content_changes=[types.TextDocumentContentChangeWholeDocument(text=text)],
        )
    )


async def test_real_diagnostic_and_hover(real_session: Session) -> None:
    session = real_session
    await session.start()
    uri = session.open(CASE)
    diagnostics = await session.diagnostics(uri, 1)
    assert [d.code for d in diagnostics] == ["spmd-partial-nonlinear"]
    (d,) = diagnostics
    operand = find(CASE, "x", session.encoding, line=ERROR_LINE, occurrence=0)
    assert d.range.start.line == ERROR_LINE
    assert d.range.start.character <= operand.start.character <= d.range.end.character
    hover = await session.client.text_document_hover_async(
        types.HoverParams(
            text_document=types.TextDocumentIdentifier(uri=uri), position=operand.start
        )
    )
    assert hover is not None
    assert "{dp: R, tp: P}" in hover.contents.value  # type: ignore[union-attr]
    assert "gradient: `{dp: P, tp: R}`" in hover.contents.value  # type: ignore[union-attr]


async def test_real_quick_fixes_recheck_clean(real_session: Session) -> None:
    session = real_session
    await session.start()
    uri = session.open(CASE)
    (diagnostic,) = await session.diagnostics(uri, 1)
    result = await session.client.text_document_code_action_async(
        types.CodeActionParams(
            text_document=types.TextDocumentIdentifier(uri=uri),
            range=diagnostic.range,
            context=types.CodeActionContext(diagnostics=[diagnostic]),
        )
    )
    actions = [a for a in result or [] if isinstance(a, types.CodeAction)]
    assert actions, "expected at least the ignore comment"
    assert sum(1 for a in actions if a.is_preferred) <= 1
    version = 1
    for action in actions:
        fixed = apply_edits(CASE, edits_of(action, uri), session.encoding)
        version += 1
        _full_change(session, uri, version, fixed)
        after = await session.diagnostics(uri, version)
        assert list(after) == [], (action.title, after)
        version += 1
        _full_change(session, uri, version, CASE)
        assert len(await session.diagnostics(uri, version)) == 1


async def test_real_syntax_error_keeps_other_results(real_session: Session) -> None:
    session = real_session
    await session.start()
    uri = session.open(CASE)
    await session.diagnostics(uri, 1)
    end = types.Position(line=len(lines(CASE)) - 1, character=0)
    # a new top-level statement, unfinished (the checker's unit of reparsing is the top-level
    # statement: an error inside the `with` block would cost the whole block's results)
    session.change(uri, 2, [(types.Range(start=end, end=end), "z = torch.relu(x +\n")])
    codes = sorted(str(d.code) for d in await session.diagnostics(uri, 2))
    assert codes == ["spmd-partial-nonlinear", "spmd-syntax"]
    assert position(CASE, 0, 0, session.encoding).line == 0


HELPER = """import torch
import spmd_types as spmd
from spmd_types import P, R


def make(x):
    spmd.assert_type(x, {"tp": P})
    return x
"""
USER = """import torch
import spmd_types as spmd
from spmd_types import P, R
from helper import make

x = torch.randn(4, requires_grad=True)
y = torch.relu(make(x))
"""


async def test_real_importers_rechecked_with_unsaved_text(real_session: Session) -> None:
    session = real_session
    (session.root / "helper.py").write_text(HELPER, encoding="utf-8")
    await session.start()
    helper = session.open(HELPER, name="helper.py")
    user = session.open(USER, name="user.py")
    assert [d.code for d in await session.diagnostics(user, 1)] == ["spmd-partial-nonlinear"]
    # an unsaved edit of helper.py: user.py is re-checked against the editor's text
    _full_change(session, helper, 2, HELPER.replace('"tp": P', '"tp": R'))
    await session.diagnostics(helper, 2)
    if session.pull:
        await eventually(lambda: session.diagnostics(user, 1), lambda found: not found)
    else:
        published = session.client.published  # type: ignore[attr-defined]
        await wait_until(lambda: [p for p in published if p.uri == user][-1].diagnostics == ())


async def test_a_module_created_on_disk_is_seen_once_the_editor_says_files_changed(
    real_session: Session,
) -> None:
    """The server trusts one look at the disk for a moment (the tests' server: forever) and
    looks again when the editor says files changed: a module created on disk, then a save,
    and the importer's next check resolves it."""
    session = real_session
    await session.start()
    user = session.open(USER, name="user.py")
    assert list(await session.diagnostics(user, 1)) == []  # helper is not there: Unknown
    (session.root / "helper.py").write_text(HELPER, encoding="utf-8")
    session.client.text_document_did_save(
        types.DidSaveTextDocumentParams(text_document=types.TextDocumentIdentifier(uri=user))
    )
    if session.pull:
        found = await eventually(lambda: session.diagnostics(user, 1), lambda found: bool(found))
    else:
        published = session.client.published  # type: ignore[attr-defined]
        await wait_until(lambda: bool([p for p in published if p.uri == user][-1].diagnostics))
        found = [p for p in published if p.uri == user][-1].diagnostics
    assert [d.code for d in found] == ["spmd-partial-nonlinear"]


async def test_real_ignore_setting_and_inlay_hints(real_session: Session) -> None:
    session = real_session
    await session.start(workspace_config={"ignore": ["spmd-partial-nonlinear"], "inlayHints": True})
    uri = session.open(CASE)
    assert list(await session.diagnostics(uri, 1)) == []
    hints = await session.client.text_document_inlay_hint_async(
        types.InlayHintParams(
            text_document=types.TextDocumentIdentifier(uri=uri),
            range=types.Range(
                start=types.Position(line=0, character=0), end=types.Position(line=11, character=0)
            ),
        )
    )
    labels = {(h.position.line, h.label) for h in hints or []}
    assert any(line == 8 for line, _ in labels), labels  # x = torch.randn(...)


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
"""
CALLEE_ERROR_LINE = 6


async def _current_diagnostics(session: Session, uri: str) -> list[types.Diagnostic]:
    """What the client shows for a file now: the last publish, or a fresh pull."""
    if session.pull:
        return list(await session.diagnostics(uri, None))
    published = [p for p in session.client.published if p.uri == uri]  # type: ignore[attr-defined]
    return list(published[-1].diagnostics) if published else []


async def _eventually(
    session: Session, uri: str, check, timeout: float = 15.0
) -> list[types.Diagnostic]:  # type: ignore[no-untyped-def]
    import asyncio

    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while True:
        found = await _current_diagnostics(session, uri)
        if check(found):
            return found
        if loop.time() > deadline:
            raise AssertionError(f"diagnostics of {uri} never satisfied the condition: {found}")
        await asyncio.sleep(0.05)


async def test_real_errors_found_in_another_file(real_session: Session) -> None:
    """An error the check of the callers finds inside callee.py is shown in callee.py (once,
    however many callers find it), and goes when no caller's check finds it any more."""
    session = real_session
    (session.root / "callee.py").write_text(CALLEE, encoding="utf-8")  # on disk: callers import it
    await session.start()
    callee = session.uri("callee.py")
    first = session.open(CALLER, name="caller.py")  # unsaved buffers: the scan does not see them
    second = session.open(CALLER, name="caller2.py")
    assert list(await session.diagnostics(first, 1)) == []  # the error is not the caller's

    def one_error(found: list[types.Diagnostic]) -> bool:
        return [d.code for d in found] == ["spmd-partial-nonlinear"]

    (d,) = await _eventually(session, callee, one_error)
    assert d.range.start.line == CALLEE_ERROR_LINE
    assert d.related_information
    assert {r.location.uri for r in d.related_information} <= {first, second}
    assert d.related_information[0].location.range.start.line == 7  # the call `act(x)`

    # open the callee too: its own (clean) result merged with what the callers found
    session.open(CALLEE, name="callee.py")
    await _eventually(session, callee, one_error)

    # an edit above the error in the callee: the error moves with its line
    top = types.Position(line=0, character=0)
    session.change(callee, 2, [(types.Range(start=top, end=top), "# moved\n")])
    moved = await _eventually(
        session, callee, lambda f: one_error(f) and f[0].range.start.line == CALLEE_ERROR_LINE + 1
    )
    assert moved[0].message == d.message

    # one caller fixed: the other still finds it
    _full_change(session, first, 2, CALLER.replace('"tp": P', '"tp": R'))
    await session.diagnostics(first, 2)
    await _eventually(session, callee, one_error)
    # the other closed: nothing finds it any more
    session.client.text_document_did_close(
        types.DidCloseTextDocumentParams(text_document=types.TextDocumentIdentifier(uri=second))
    )
    await _eventually(session, callee, lambda f: f == [])


PLANTED = (Path(__file__).resolve().parents[2] / "examples" / "planted_bug.py").read_text(
    encoding="utf-8"
)


async def _hover_text(session: Session, uri: str, pos: types.Position) -> str:
    hover = await session.client.text_document_hover_async(
        types.HoverParams(text_document=types.TextDocumentIdentifier(uri=uri), position=pos)
    )
    assert hover is not None and isinstance(hover.contents, types.MarkupContent)
    return hover.contents.value


async def test_real_hover_says_why_and_what_calls_run_into(real_session: Session) -> None:
    """The hover on the operand of the planted bug says which steps gave it its type; the one
    on reinterpret says it is a no-op forward; the one on the call says its code raises."""
    session = real_session
    await session.start()
    uri = session.open(PLANTED, name="planted_bug.py")
    await session.diagnostics(uri, 1)
    gelu_line = next(n for n, text in enumerate(lines(PLANTED)) if "F.gelu(y)" in text)
    operand = find(PLANTED, "y", session.encoding, line=gelu_line, occurrence=1)
    value = await _hover_text(session, uri, operand.start)
    assert value.startswith("```python\ny: {dp: V, tp: P}\n```")
    why = [line.rstrip() for line in value.split("---\n", 1)[1].splitlines() if "(line " in line]
    assert why == [
        f"why: `{{dp: V, tp: P}}` because of `spmd.reinterpret(y, tp, src=V, dst=P)` "
        f"(line {gelu_line})",
        f"from `{{dp: V, tp: V}}` because of `h @ w` (line {gelu_line - 1})",
        'from `{dp: V, tp: V}` because of `spmd.assert_type(h, {"dp": V, "tp": V})` (line 30)',
    ]
    cast = find(PLANTED, "reinterpret", session.encoding, line=gelu_line - 1)
    value = await _hover_text(session, uri, cast.start)
    assert "forward: no-op (V -> P)" in value and "backward: no-op (R -> V)" in value
    call = find(PLANTED, "row_parallel_block(h, w, tp)", session.encoding, occurrence=1)
    value = await _hover_text(session, uri, call.start)
    assert (
        f"error in the code this call runs: spmd-partial-nonlinear (line {gelu_line + 1}): "
        "Partial type on axis tp" in value
    )


async def test_real_code_actions_offer_only_verified_fixes(real_session: Session) -> None:
    """examples/planted_bug.py: the engine proposes two all_reduce fixes, and the first makes
    the all_reduce on the next line reduce twice. Only what leaves the code correct is
    offered (the fix that replaces that all_reduce), and the ignore comment."""
    session = real_session
    await session.start()
    uri = session.open(PLANTED, name="planted_bug.py")
    (diagnostic,) = await session.diagnostics(uri, 1)
    result = await session.client.text_document_code_action_async(
        types.CodeActionParams(
            text_document=types.TextDocumentIdentifier(uri=uri),
            range=diagnostic.range,
            context=types.CodeActionContext(diagnostics=[diagnostic]),
        )
    )
    actions = [a for a in result or [] if isinstance(a, types.CodeAction)]
    fixes = [a for a in actions if not a.title.startswith("Ignore")]
    assert [a.title for a in actions if a.title.startswith("Ignore")] == [
        "Ignore spmd-partial-nonlinear on this line"
    ]
    assert len(fixes) == 1, [a.title for a in fixes]
    (fix,) = fixes
    assert fix.is_preferred
    assert "src=P, dst=I" in fix.title and "replacing the all_reduce on line" in fix.title
    fixed = apply_edits(PLANTED, edits_of(fix, uri), session.encoding)
    _full_change(session, uri, 2, fixed)
    assert list(await session.diagnostics(uri, 2)) == []


async def test_scanned_files_keep_only_their_diagnostics_until_opened(
    real_session: Session,
) -> None:
    """The workspace scan keeps nothing of a file nobody has open but its diagnostics (its
    analyses, units and hover facts were most of the scan's memory); opening it checks it
    again, with hovers."""
    session = real_session
    text = CASE + "\n\ndef scale(t):\n    return torch.relu(t) * 2\n"  # analysed on its own
    for name in ("a.py", "b.py"):
        (session.root / name).write_text(text, encoding="utf-8")
    await session.start()

    async def stats() -> Any:
        return await session.client.protocol.send_request_async("spmd/stats", None)

    for name in ("a.py", "b.py"):  # both scanned: each was forgotten before it was published
        await _eventually(
            session,
            session.uri(name),
            lambda found: [d.code for d in found] == ["spmd-partial-nonlinear"],
        )
    after_scan = await stats()
    assert [cache.journals for cache in after_scan.caches] == [0]  # nothing kept for a or b

    uri = session.open(text, name="a.py")
    assert [d.code for d in await session.diagnostics(uri, 1)] == ["spmd-partial-nonlinear"]
    operand = find(CASE, "x", session.encoding, line=ERROR_LINE, occurrence=0)
    hover = await session.client.text_document_hover_async(
        types.HoverParams(
            text_document=types.TextDocumentIdentifier(uri=uri), position=operand.start
        )
    )
    assert hover is not None and "{dp: R, tp: P}" in hover.contents.value  # type: ignore[union-attr]
    opened = await stats()
    assert sum(cache.journals for cache in opened.caches) > 0  # an open file's are kept
