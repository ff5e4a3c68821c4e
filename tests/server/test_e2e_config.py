"""Configuration: defaults < pyproject < initializationOptions < workspace/configuration;
invalid values are shown (window/showMessage) and the server carries on."""

from __future__ import annotations

from pathlib import Path

from conftest import Session, eventually, wait_until
from lsprotocol import types

AXES_SOURCE = """import torch
import spmd_types as spmd
from spmd_types import R

a = torch.randn(4)
spmd.assert_type(a, {"dp": R})
b = torch.randn(4)
spmd.assert_type(b, {"tp": R})
c = torch.randn(4)
spmd.assert_type(c, {"cp": R})
d = a + b
"""


def _pyproject(root: Path, body: str) -> None:
    (root / "pyproject.toml").write_text(
        f'[project]\nname = "ws"\n\n[tool.spmd-check]\n{body}\n', encoding="utf-8"
    )


async def _codes(session: Session) -> list[tuple[int, str]]:
    uri = session.open(AXES_SOURCE)
    diagnostics = await session.diagnostics(uri, 1)
    return sorted((d.range.start.line, str(d.code)) for d in diagnostics)


async def test_defaults(session: Session) -> None:
    await session.start()
    # no mesh axes known: no unknown-axis; strict mode: a + b mixes {dp} and {tp}
    assert await _codes(session) == [(10, "spmd-missing-axis")]


async def test_pyproject_layer(session: Session) -> None:
    _pyproject(session.root, 'mesh-axes = ["dp"]\nstrict-mode = "permissive"')
    await session.start()
    assert await _codes(session) == [(7, "spmd-unknown-axis"), (9, "spmd-unknown-axis")]


async def test_initialization_options_over_pyproject(session: Session) -> None:
    _pyproject(session.root, 'mesh-axes = ["dp"]\nstrict-mode = "permissive"')
    await session.start(init_options={"spmdTypes": {"meshAxes": ["dp", "tp"]}})
    assert await _codes(session) == [(9, "spmd-unknown-axis")]


async def test_flat_initialization_options(session: Session) -> None:
    await session.start(init_options={"meshAxes": ["dp", "tp"], "strictMode": "permissive"})
    assert await _codes(session) == [(9, "spmd-unknown-axis")]


async def test_workspace_configuration_over_initialization_options(session: Session) -> None:
    _pyproject(session.root, 'mesh-axes = ["dp"]')
    await session.start(
        init_options={"spmdTypes": {"meshAxes": ["dp", "tp"], "strictMode": "permissive"}},
        workspace_config={"meshAxes": ["dp", "tp", "cp"], "ignore": ["spmd-syntax"]},
    )
    # workspace: all three axes known; strictMode still "permissive" from initializationOptions
    assert await _codes(session) == []


async def test_ignore_setting(session: Session) -> None:
    await session.start(workspace_config={"ignore": ["spmd-missing-axis"]})
    assert await _codes(session) == []


async def test_configuration_change_rechecks(session: Session) -> None:
    await session.start()
    uri = session.open(AXES_SOURCE)
    assert len(await session.diagnostics(uri, 1)) == 1
    session.client.set_configuration({"strictMode": "permissive"}, section="spmdTypes")
    session.client.workspace_did_change_configuration(
        types.DidChangeConfigurationParams(settings=None)
    )
    if session.pull:
        await eventually(lambda: session.diagnostics(uri, 1), lambda found: not found)
    else:
        published = session.client.published  # type: ignore[attr-defined]
        await wait_until(lambda: published[-1].uri == uri and len(published[-1].diagnostics) == 0)


async def test_invalid_editor_settings_are_shown_and_defaults_used(session: Session) -> None:
    await session.start(
        init_options={"spmdTypes": {"meshAxes": 3, "inlayHints": "yes"}},
        workspace_config={"strictMode": "lenient", "ignore": ["spmd-nonsense"]},
    )
    assert await _codes(session) == [(10, "spmd-missing-axis")]  # the defaults apply
    await wait_until(lambda: len(session.client.messages) >= 4)
    messages = [m.message for m in session.client.messages]
    assert all(m.type == types.MessageType.Warning for m in session.client.messages)
    expected = {
        "spmdTypes.meshAxes": ["a list of distinct non-empty axis names", "found 3"],
        "spmdTypes.inlayHints": ["true or false", "found 'yes'"],
        "spmdTypes.strictMode": ['"strict" or "permissive"', "found 'lenient'"],
        "spmdTypes.ignore": ["found ['spmd-nonsense']"],
    }
    for key, parts in expected.items():
        (message,) = [m for m in messages if key in m]
        for part in parts:
            assert part in message, message


async def test_invalid_pyproject_is_shown(session: Session) -> None:
    _pyproject(session.root, 'mesh-axes = "dp"')
    await session.start()
    assert await _codes(session) == [(10, "spmd-missing-axis")]
    await wait_until(lambda: len(session.client.messages) >= 1)
    (message,) = session.client.messages
    assert message.type == types.MessageType.Warning
    assert "mesh-axes must be a list of strings" in message.message
    assert "pyproject.toml" in message.message


async def test_code_links_open_the_installed_page_or_the_configured_one(session: Session) -> None:
    """codeDescription: the diagnostics page installed with the server (file://, the code as
    the anchor), until docsUrl names another; a change of the setting re-links."""
    from urllib.parse import urlsplit
    from urllib.request import url2pathname

    await session.start()
    uri = session.open(AXES_SOURCE)
    (d,) = await session.diagnostics(uri, 1)
    assert d.code_description is not None
    link = urlsplit(d.code_description.href)
    assert (link.scheme, link.fragment) == ("file", "spmd-missing-axis")
    page = Path(url2pathname(link.path))
    assert "\n## spmd-missing-axis\n" in page.read_text(encoding="utf-8")

    session.client.set_configuration(
        {"docsUrl": "https://docs.example/spmd/diagnostics.html"}, section="spmdTypes"
    )
    session.client.workspace_did_change_configuration(
        types.DidChangeConfigurationParams(settings=None)
    )
    wanted = "https://docs.example/spmd/diagnostics.html#spmd-missing-axis"

    def relinked(found: list[types.Diagnostic]) -> bool:
        return bool(found) and all(
            f.code_description is not None and f.code_description.href == wanted for f in found
        )

    if session.pull:
        await eventually(lambda: session.diagnostics(uri, 1), relinked)
    else:
        published = session.client.published  # type: ignore[attr-defined]
        await wait_until(lambda: published[-1].uri == uri and relinked(published[-1].diagnostics))
