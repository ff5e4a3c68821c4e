"""Hover, quick fixes (applied and re-checked), the ignore comment, inlay hints."""

from __future__ import annotations

from conftest import Session, eventually
from helpers import RELU_LINE, SOURCE, apply_edits, edits_of, find, lines, position
from lsprotocol import types


def _full_change(session: Session, uri: str, version: int, text: str) -> None:
    session.client.text_document_did_change(
        types.DidChangeTextDocumentParams(
            text_document=types.VersionedTextDocumentIdentifier(uri=uri, version=version),
            content_changes=[types.TextDocumentContentChangeWholeDocument(text=text)],
        )
    )


async def _hover(session: Session, uri: str, pos: types.Position) -> types.Hover | None:
    return await session.client.text_document_hover_async(
        types.HoverParams(text_document=types.TextDocumentIdentifier(uri=uri), position=pos)
    )


async def test_hover_on_tensor(session: Session) -> None:
    await session.start()
    uri = session.open(SOURCE)
    await session.diagnostics(uri, 1)
    target = find(SOURCE, "x", session.encoding, line=RELU_LINE)
    hover = await _hover(session, uri, target.start)
    assert hover is not None
    assert isinstance(hover.contents, types.MarkupContent)
    assert hover.contents.kind == types.MarkupKind.Markdown
    value = hover.contents.value
    assert value.startswith("```python\nx: {dp: R, tp: P}\n```")
    assert "gradient: `{dp: P, tp: R}`" in value
    assert "requires_grad: True" in value
    assert "why: `assert_type(...)` (line 6)" in value  # what happened there, and where
    assert hover.range == target

    # after the non-ASCII text on the line: the right tensor
    y = find(SOURCE, "y", session.encoding, line=RELU_LINE)
    hover = await _hover(session, uri, y.end)
    assert hover is not None and "y: {dp: R, tp: R}" in hover.contents.value  # type: ignore[union-attr]

    # nothing there: no hover
    assert await _hover(session, uri, types.Position(line=0, character=1)) is None


async def test_hover_on_collective(session: Session) -> None:
    await session.start()
    uri = session.open(SOURCE)
    await session.diagnostics(uri, 1)
    callee = find(SOURCE, "spmd.all_reduce", session.encoding)
    hover = await _hover(
        session, uri, types.Position(line=callee.start.line, character=callee.start.character + 6)
    )
    assert hover is not None
    value = hover.contents.value  # type: ignore[union-attr]
    assert "all_reduce: {tp: P -> R}" in value
    assert "forward: sum across the axis" in value
    assert "backward: all-reduce of the gradient" in value


async def test_hover_answers_during_recheck_and_moves_with_edits(session: Session) -> None:
    await session.start()
    uri = session.open(SOURCE)
    await session.diagnostics(uri, 1)
    # insert two lines at the top and hover at once, before the re-check can have finished
    top = types.Position(line=0, character=0)
    session.change(uri, 2, [(types.Range(start=top, end=top), "# a\n# b\n")])
    text = "# a\n# b\n" + SOURCE
    target = find(text, "x", session.encoding, line=RELU_LINE + 2)
    hover = await _hover(session, uri, target.start)
    assert hover is not None and "x: {dp: R, tp: P}" in hover.contents.value  # type: ignore[union-attr]
    assert hover.range == target


async def _actions(
    session: Session, uri: str, diagnostic: types.Diagnostic
) -> list[types.CodeAction]:
    result = await session.client.text_document_code_action_async(
        types.CodeActionParams(
            text_document=types.TextDocumentIdentifier(uri=uri),
            range=diagnostic.range,
            context=types.CodeActionContext(diagnostics=[diagnostic]),
        )
    )
    assert result is not None
    return [a for a in result if isinstance(a, types.CodeAction)]


async def test_every_quick_fix_applies_and_rechecks_clean(session: Session) -> None:
    await session.start()
    uri = session.open(SOURCE)
    (diagnostic,) = await session.diagnostics(uri, 1)
    actions = await _actions(session, uri, diagnostic)
    fixes = [a for a in actions if not a.title.startswith("Ignore")]
    assert [a.title for a in fixes] == [
        'all_reduce(x, "tp", src=P, dst=R): all-reduce in forward, all-reduce in backward',
        'all_reduce(x, "tp", src=P, dst=I): all-reduce in forward, no-op backward',
    ]
    assert [a.is_preferred for a in fixes] == [True, False]
    assert all(a.kind == types.CodeActionKind.QuickFix for a in actions)
    assert all(a.diagnostics and a.diagnostics[0].code == diagnostic.code for a in actions)

    version = 1
    for action in fixes:
        fixed = apply_edits(SOURCE, edits_of(action, uri), session.encoding)
        assert "torch.relu(spmd.all_reduce(x, " in fixed
        version += 1
        _full_change(session, uri, version, fixed)
        assert list(await session.diagnostics(uri, version)) == []
        version += 1
        _full_change(session, uri, version, SOURCE)  # back to the broken text for the next fix
        assert len(await session.diagnostics(uri, version)) == 1


async def test_unverified_fixes_are_not_offered(session: Session) -> None:
    """A fix whose edited text the checker still rejects is left out; the others and the
    ignore comment stay."""
    await session.start()
    text = SOURCE + "# OFFER_A_BAD_FIX\n"
    uri = session.open(text)
    (diagnostic,) = await session.diagnostics(uri, 1)
    titles = [a.title for a in await _actions(session, uri, diagnostic)]
    assert "a fix that fixes nothing" not in titles
    assert titles == [
        'all_reduce(x, "tp", src=P, dst=R): all-reduce in forward, all-reduce in backward',
        'all_reduce(x, "tp", src=P, dst=I): all-reduce in forward, no-op backward',
        "Ignore spmd-partial-nonlinear on this line",
    ]


async def test_ignore_comment_action(session: Session) -> None:
    await session.start()
    uri = session.open(SOURCE)
    (diagnostic,) = await session.diagnostics(uri, 1)
    (ignore,) = [
        a for a in await _actions(session, uri, diagnostic) if a.title.startswith("Ignore")
    ]
    assert ignore.title == "Ignore spmd-partial-nonlinear on this line"
    fixed = apply_edits(SOURCE, edits_of(ignore, uri), session.encoding)
    assert (
        lines(fixed)[RELU_LINE]
        == 'label = "é𝔘"; y = torch.relu(x)  # spmd: ignore[spmd-partial-nonlinear]'
    )
    _full_change(session, uri, 2, fixed)
    assert list(await session.diagnostics(uri, 2)) == []


async def test_ignore_comment_merges_into_existing(session: Session) -> None:
    await session.start()
    text = SOURCE.replace(
        "torch.relu(x)\n", "torch.relu(x)  # spmd: ignore[spmd-missing-axis]\n", 1
    )
    uri = session.open(text)
    (diagnostic,) = await session.diagnostics(uri, 1)
    (ignore,) = [
        a for a in await _actions(session, uri, diagnostic) if a.title.startswith("Ignore")
    ]
    fixed = apply_edits(text, edits_of(ignore, uri), session.encoding)
    assert lines(fixed)[RELU_LINE].endswith(
        "# spmd: ignore[spmd-missing-axis, spmd-partial-nonlinear]"
    )
    _full_change(session, uri, 2, fixed)
    assert list(await session.diagnostics(uri, 2)) == []


async def test_code_action_for_foreign_or_stale_diagnostic(session: Session) -> None:
    await session.start()
    uri = session.open(SOURCE)
    (diagnostic,) = await session.diagnostics(uri, 1)
    foreign = types.Diagnostic(range=diagnostic.range, message="E501", code="E501", source="ruff")
    assert await _actions(session, uri, foreign) == []
    moved = types.Diagnostic(
        range=types.Range(
            start=types.Position(line=0, character=0), end=types.Position(line=0, character=1)
        ),
        message=diagnostic.message,
        code=diagnostic.code,
        source="SPMD Types",
    )
    actions = await _actions(session, uri, moved)
    assert [a.title for a in actions] == ["Ignore spmd-partial-nonlinear on this line"]


async def _hints(session: Session, uri: str, text: str) -> list[types.InlayHint]:
    end = len(lines(text)) - 1
    result = await session.client.text_document_inlay_hint_async(
        types.InlayHintParams(
            text_document=types.TextDocumentIdentifier(uri=uri),
            range=types.Range(
                start=types.Position(line=0, character=0), end=types.Position(line=end, character=0)
            ),
        )
    )
    return list(result or [])


async def test_inlay_hints_off_by_default(session: Session) -> None:
    await session.start()
    uri = session.open(SOURCE)
    await session.diagnostics(uri, 1)
    assert await _hints(session, uri, SOURCE) == []


async def test_inlay_hints_on(session: Session) -> None:
    await session.start(init_options={"spmdTypes": {"inlayHints": True}})
    uri = session.open(SOURCE)
    await session.diagnostics(uri, 1)
    hints = await _hints(session, uri, SOURCE)
    got = {(h.position.line, h.position.character, h.label) for h in hints}
    y_end = find(SOURCE, "y", session.encoding, line=RELU_LINE).end
    z_end = find(SOURCE, "z", session.encoding, line=RELU_LINE + 1).end
    assert got == {
        (y_end.line, y_end.character, ": {dp: R, tp: R}"),
        (z_end.line, z_end.character, ": {dp: R, tp: R}"),
    }
    assert all(h.kind == types.InlayHintKind.Type for h in hints)


async def test_inlay_hints_toggled_by_configuration_change(session: Session) -> None:
    await session.start(workspace_config={"inlayHints": False})
    uri = session.open(SOURCE)
    await session.diagnostics(uri, 1)
    assert await _hints(session, uri, SOURCE) == []
    session.client.set_configuration({"inlayHints": True}, section="spmdTypes")
    session.client.workspace_did_change_configuration(
        types.DidChangeConfigurationParams(settings=None)
    )
    await eventually(lambda: _hints(session, uri, SOURCE), lambda hints: len(hints) == 2)


def test_positions_helper_sanity() -> None:
    assert position('a = "\U0001d518"; b', 0, 9, "utf-16").character == 10
    assert position('a = "\U0001d518"; b', 0, 9, "utf-8").character == 12
