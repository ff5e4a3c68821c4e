"""The server and the on-disk cache: a document opened with a text whose result is stored
(and current) shows it at once, before its check; the check's result follows. The cache
folder is the test session's (tests/conftest.py)."""

from __future__ import annotations

import pytest
from conftest import Session, wait_until
from lsprotocol import types
from test_e2e_real_checker import CASE


async def test_a_reopened_file_shows_its_stored_result_before_its_check(
    real_session: Session,
) -> None:
    session = real_session
    (session.root / "model.py").write_text(CASE, encoding="utf-8")  # stored: it is on disk
    await session.start()
    if session.pull:
        pytest.skip("a client that pulls diagnostics asks for the check's result")
    uri = session.open(CASE, version=1)
    checked = await session.diagnostics(uri, 1)
    assert [d.code for d in checked] == ["spmd-partial-nonlinear"]
    session.client.text_document_did_close(
        types.DidCloseTextDocumentParams(text_document=types.TextDocumentIdentifier(uri=uri))
    )
    session.open(CASE, version=2)
    published = session.client.published  # type: ignore[attr-defined]

    def of_version_2() -> list[types.PublishDiagnosticsParams]:
        return [p for p in published if p.uri == uri and p.version == 2]

    # the stored result (published before the check is even queued), then the check's
    await wait_until(lambda: len(of_version_2()) >= 2)
    stored, fresh = of_version_2()[:2]
    assert stored.diagnostics == fresh.diagnostics == checked
