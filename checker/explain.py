"""``spmd-check --explain CODE``: the long explanation of a diagnostic code.

One source of truth: ``docs/diagnostics.md``, one ``## <code>`` section per code. The
wheel carries a copy as package data (``spmd_check/diagnostics.md``, put there by the
build, see ``setup.py``); a source checkout or an editable install reads the file in
``docs/`` directly.
"""

from __future__ import annotations

import re
from functools import cache
from importlib import resources
from pathlib import Path

from .codes import CODES

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
    lines += ["", f"Documentation: {entry.doc_url}"]
    return "\n".join(lines)
