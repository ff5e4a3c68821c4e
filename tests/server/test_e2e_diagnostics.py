"""Diagnostics over the real protocol: open, incremental edits, syntax errors, bursts, pull, close."""

from __future__ import annotations

import asyncio

from conftest import Session, wait_until
from helpers import RELU_LINE, SOURCE, lines, position
from lsprotocol import types
from spmd_check.codes import CODES


async def test_diagnostic_after_open(session: Session) -> None:
    await session.start()
    uri = session.open(SOURCE)
    diagnostics = await session.diagnostics(uri, 1)
    assert len(diagnostics) == 1
    (d,) = diagnostics
    assert d.code == "spmd-partial-nonlinear"
    assert d.source == "SPMD Types"  # the Problems panel: "SPMD Types(spmd-partial-nonlinear)"
    assert d.severity == types.DiagnosticSeverity.Error
    assert d.range == _relu_x(SOURCE, session.encoding)
    assert d.code_description is not None
    assert d.code_description.href == CODES["spmd-partial-nonlinear"].doc_url
    assert d.code_description.href.endswith("docs/diagnostics.md#spmd-partial-nonlinear")
    assert d.related_information
    related = d.related_information[0]
    assert related.location.uri == uri
    assert related.location.range.start.line == 5
    assert "Partial" in related.message


def _relu_x(text: str, encoding: str) -> types.Range:
    line = lines(text)[RELU_LINE]
    column = line.index("relu(x)") + len("relu(")
    return types.Range(
        start=position(text, RELU_LINE, column, encoding),
        end=position(text, RELU_LINE, column + 1, encoding),
    )


async def test_positions_follow_incremental_edits_with_non_ascii(session: Session) -> None:
    await session.start()
    text = SOURCE
    uri = session.open(text)
    assert (await session.diagnostics(uri, 1))[0].range == _relu_x(text, session.encoding)

    # 1. grow the string literal before the operand with a BMP and an astral character
    at = position(text, RELU_LINE, lines(text)[RELU_LINE].index('"') + 1, session.encoding)
    session.change(uri, 2, [(types.Range(start=at, end=at), "\u00fc\U0001d54f")])
    text = text.replace('label = "', 'label = "\u00fc\U0001d54f', 1)
    assert (await session.diagnostics(uri, 2))[0].range == _relu_x(text, session.encoding)

    # 2. two new lines at the top of the file
    top = types.Position(line=0, character=0)
    session.change(uri, 3, [(types.Range(start=top, end=top), "# \U0001f680 first\n# second\n")])
    text = "# \U0001f680 first\n# second\n" + text
    (d,) = await session.diagnostics(uri, 3)
    assert d.range == _relu_x_at(text, RELU_LINE + 2, session.encoding)

    # 3. delete the astral character in the literal again (a range inside the line)
    line = RELU_LINE + 2
    content = lines(text)[line]
    start = content.index("\U0001d54f")
    session.change(
        uri,
        4,
        [
            (
                types.Range(
                    start=position(text, line, start, session.encoding),
                    end=position(text, line, start + 1, session.encoding),
                ),
                "",
            )
        ],
    )
    text = text.replace("\U0001d54f", "", 1)
    (d,) = await session.diagnostics(uri, 4)
    assert d.range == _relu_x_at(text, line, session.encoding)


def _relu_x_at(text: str, line: int, encoding: str) -> types.Range:
    content = lines(text)[line]
    column = content.index("relu(x)") + len("relu(")
    return types.Range(
        start=position(text, line, column, encoding), end=position(text, line, column + 1, encoding)
    )


async def test_syntax_error_mid_typing_keeps_other_results(session: Session) -> None:
    await session.start()
    uri = session.open(SOURCE)
    await session.diagnostics(uri, 1)
    end = types.Position(line=len(lines(SOURCE)) - 1, character=0)
    session.change(uri, 2, [(types.Range(start=end, end=end), "w = torch.relu(x +\n")])
    diagnostics = await session.diagnostics(uri, 2)
    codes = sorted(str(d.code) for d in diagnostics)
    assert codes == ["spmd-partial-nonlinear", "spmd-syntax"]
    syntax = next(d for d in diagnostics if d.code == "spmd-syntax")
    assert syntax.range.start.line >= len(lines(SOURCE)) - 1

    # finishing the statement removes the syntax error
    text = SOURCE + "w = torch.relu(x +\n"
    pos = position(text, len(lines(SOURCE)) - 1, len("w = torch.relu(x +"), session.encoding)
    session.change(uri, 3, [(types.Range(start=pos, end=pos), " x)")])
    codes = sorted(str(d.code) for d in await session.diagnostics(uri, 3))
    assert "spmd-syntax" not in codes


async def test_edit_burst_never_publishes_a_stale_version(session: Session) -> None:
    """What a burst of keystrokes is promised: its last version's diagnostics arrive, and no
    version is published after a newer one. How many of the burst's versions are checked and
    published on the way depends on how fast the keystrokes arrive (a change after a pause is
    checked at once), so that is not asserted."""
    await session.start()
    uri = session.open(SOURCE)
    await session.diagnostics(uri, 1)
    published = session.client.published  # type: ignore[attr-defined]
    before = len(published)
    end = types.Position(line=len(lines(SOURCE)) - 1, character=0)
    # ten keystrokes, no waiting between them: "a = yyyyyy" built one character at a time
    typed = ""
    for version, char in enumerate("a = yyyyyy", start=2):
        pos = types.Position(line=end.line, character=len(typed))
        session.change(uri, version, [(types.Range(start=pos, end=pos), char)])
        typed += char
    last = 1 + len("a = yyyyyy")
    diagnostics = await session.diagnostics(uri, last)
    assert [d.code for d in diagnostics] == ["spmd-partial-nonlinear"]
    if not session.pull:
        await asyncio.sleep(0.3)  # a stale publish (a bug) would have arrived by now
        versions = [p.version for p in published[before:] if p.uri == uri]
        assert versions == sorted(versions), versions  # never an older one after a newer one
        assert versions[-1] == last, versions
        assert all(2 <= v <= last for v in versions), versions
    else:
        assert not [p for p in published if p.uri == uri]  # pull clients get no pushes


async def test_pull_result_id_and_unchanged(session: Session) -> None:
    result = await session.start()
    assert result.capabilities.diagnostic_provider is not None
    if not session.pull:
        return  # VS Code 1.65 cannot pull; covered by the push tests
    uri = session.open(SOURCE)
    first = await session.client.text_document_diagnostic_async(
        types.DocumentDiagnosticParams(text_document=types.TextDocumentIdentifier(uri=uri))
    )
    assert first.kind == "full" and first.result_id
    again = await session.client.text_document_diagnostic_async(
        types.DocumentDiagnosticParams(
            text_document=types.TextDocumentIdentifier(uri=uri), previous_result_id=first.result_id
        )
    )
    assert again.kind == "unchanged"
    assert again.result_id == first.result_id


async def test_close_clears_diagnostics(session: Session) -> None:
    await session.start()
    uri = session.open(SOURCE)
    assert await session.diagnostics(uri, 1)
    session.client.text_document_did_close(
        types.DidCloseTextDocumentParams(text_document=types.TextDocumentIdentifier(uri=uri))
    )
    if session.pull:
        report = await session.client.text_document_diagnostic_async(
            types.DocumentDiagnosticParams(text_document=types.TextDocumentIdentifier(uri=uri))
        )
        assert list(report.items) == []
        return
    published = session.client.published  # type: ignore[attr-defined]
    await wait_until(lambda: published[-1].uri == uri and len(published[-1].diagnostics) == 0)
