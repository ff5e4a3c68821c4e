"""docs/diagnostics.md has one section per code (its anchor is the code), docs/configuration.md
names every editor key."""

from __future__ import annotations

import re
from pathlib import Path

from spmd_check.codes import CODES, DOCS_URL

DOCS = Path(__file__).resolve().parents[2] / "docs"


def test_one_section_per_code() -> None:
    text = (DOCS / "diagnostics.md").read_text(encoding="utf-8")
    headings = re.findall(r"^## (\S+)$", text, flags=re.MULTILINE)
    assert headings == list(CODES), "one '## <code>' section per code, in codes.py order"
    for name, code in CODES.items():
        assert code.doc_url == f"{DOCS_URL}#{name}"
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
        "mesh-axes",
        "strict-mode",
        "exclude",
    ):
        assert f"`{key}`" in text, key
