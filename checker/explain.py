"""``spmd-check --explain CODE``: the long explanation of a diagnostic code, and the link to it.

One source of truth: ``docs/diagnostics.md``, one ``## <code>`` section per code. The
wheel carries a copy as package data (``spmd_check/diagnostics.md``, put there by the
build, see ``setup.py``; the VS Code extension's bundle too); a source checkout or an
editable install reads the file in ``docs/`` directly.

``docs_url(code)`` is the one link to a code's explanation, for every output that gives one
(the command line's ``docs:`` lines, JSON ``url``, SARIF ``helpUri``, ``--explain``, the
language server's ``codeDescription``): that installed file as a ``file://`` URI with the code
as its anchor, unless a base URL is given (the editor's ``docsUrl`` setting) or
``$SPMD_CHECK_DOCS_URL`` names one (a hosted copy, for reports read on another machine).
"""

from __future__ import annotations

import os
import re
from functools import cache
from importlib import resources
from pathlib import Path

from .codes import CODES

DOCS_URL_ENV = "SPMD_CHECK_DOCS_URL"
_HERE = Path(__file__).resolve().parent


@cache
def docs_page() -> str | None:
    """The diagnostics page installed with the package (or in the checkout of an editable
    install), as a ``file://`` URI; None when neither is there."""
    for candidate in (_HERE / "diagnostics.md", _HERE.parent / "docs" / "diagnostics.md"):
        if candidate.is_file():
            return candidate.as_uri()
    return None


def docs_url(code: str, base: str | None = None) -> str:
    """The link to a code's explanation. ``base`` (else ``$SPMD_CHECK_DOCS_URL``, else the
    installed page) is the page's URL: the code is its anchor (``page#code``), or replaces
    ``{code}`` where the URL has it (one page per code)."""
    page = base or os.environ.get(DOCS_URL_ENV) or docs_page() or "docs/diagnostics.md"
    if "{code}" in page:
        return page.replace("{code}", code)
    return f"{page.split('#', 1)[0]}#{code}"


_SECTION = re.compile(r"^## (\S+)\s*$", re.MULTILINE)


@cache
def _document() -> str | None:
    try:
        packaged = resources.files("spmd_check").joinpath("diagnostics.md")
        if packaged.is_file():
            return packaged.read_text(encoding="utf-8")
    except (OSError, ModuleNotFoundError):
        pass
    source = Path(__file__).resolve().parent.parent / "docs" / "diagnostics.md"
    try:
        return source.read_text(encoding="utf-8")
    except OSError:
        return None


def sections(document: str) -> dict[str, str]:
    """The ``## <name>`` sections of a document, by name, each without its heading."""
    found = list(_SECTION.finditer(document))
    out: dict[str, str] = {}
    for k, match in enumerate(found):
        end = found[k + 1].start() if k + 1 < len(found) else len(document)
        out[match.group(1)] = document[match.end() : end].strip("\n")
    return out


def explanation(code: str) -> str | None:
    """The explanation of a registered code (Markdown), None when the document is missing."""
    if code not in CODES:
        raise KeyError(code)
    document = _document()
    if document is None:
        return None
    return sections(document).get(code)


def render(code: str) -> str:
    """What ``--explain`` prints: the code, its summary, the explanation and the link."""
    entry = CODES[code]
    body = explanation(code)
    lines = [f"{code}: {entry.summary}", ""]
    if body is None:
        lines.append("(the explanations are not installed with this copy of spmd-check)")
    else:
        lines.append(body)
    if entry.runtime_error is not None:
        lines += ["", f"At run time, spmd-types raises {entry.runtime_error} here."]
    lines += ["", f"Documentation: {docs_url(code)}"]
    return "\n".join(lines)
