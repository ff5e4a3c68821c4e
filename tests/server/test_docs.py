"""docs/diagnostics.md has one section per code (its anchor is the code), every code links to
a page that exists, docs/configuration.md names every editor key."""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import urlsplit
from urllib.request import url2pathname

import pytest
from spmd_check import explain
from spmd_check.codes import CODES

DOCS = Path(__file__).resolve().parents[2] / "docs"


def test_one_section_per_code() -> None:
    text = (DOCS / "diagnostics.md").read_text(encoding="utf-8")
    headings = re.findall(r"^## (\S+)$", text, flags=re.MULTILINE)
    assert headings == list(CODES), "one '## <code>' section per code, in codes.py order"
    for name, code in CODES.items():
        assert code.doc_url == explain.docs_url(name)
        section = text.split(f"## {name}\n", 1)[1].split("\n## ", 1)[0]
        assert "**Fix:**" in section, name


def test_configuration_names_every_key() -> None:
    text = (DOCS / "configuration.md").read_text(encoding="utf-8")
    for key in (
        "meshAxes",
        "strictMode",
        "ignore",
        "inlayHints",
        "logLevel",
        "docsUrl",
        "SPMD_CHECK_DOCS_URL",
        "mesh-axes",
        "strict-mode",
        "exclude",
    ):
        assert f"`{key}`" in text, key


def test_links_open_the_installed_page_at_the_code(monkeypatch: pytest.MonkeyPatch) -> None:
    """Without a setting, a code links to the diagnostics page installed with the package (in
    an editable install: docs/ of the checkout) as a file:// URI whose anchor is the code."""
    monkeypatch.delenv(explain.DOCS_URL_ENV, raising=False)
    for name in CODES:
        url = explain.docs_url(name)
        parts = urlsplit(url)
        assert parts.scheme == "file" and parts.fragment == name, url
        page = Path(url2pathname(parts.path))
        assert page.is_file(), url
        assert f"\n## {name}\n" in page.read_text(encoding="utf-8")


def test_a_configured_base_url_wins(monkeypatch: pytest.MonkeyPatch) -> None:
    code = "spmd-partial-nonlinear"
    monkeypatch.setenv(explain.DOCS_URL_ENV, "https://docs.example/spmd/diagnostics.html")
    assert explain.docs_url(code) == f"https://docs.example/spmd/diagnostics.html#{code}"
    assert CODES[code].doc_url == explain.docs_url(code)
    assert explain.render(code).endswith(f"Documentation: {explain.docs_url(code)}")
    # the editor's setting wins over the environment; {code} is a page per code
    assert explain.docs_url(code, "https://x.example/{code}.html") == (
        f"https://x.example/{code}.html"
    )
    assert (
        explain.docs_url(code, "https://x.example/d.html#old") == f"https://x.example/d.html#{code}"
    )
