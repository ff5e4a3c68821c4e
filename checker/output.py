"""How ``spmd-check`` prints what it found: full (the default), concise, json, github, sarif.

Everything here is presentation: the findings arrive as ``FileReport``s (a file's text,
its diagnostics with their verified fixes, its reveals) and leave as text. Positions
in the output are 1-based lines and 1-based columns counted in Unicode code points.
"""

from __future__ import annotations

import difflib
import json
import os
import sys
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TextIO
from urllib.parse import quote

from . import __version__, codes, explain, policy
from .codes import CODES, Code, Severity
from .repair import apply_edits
from .results import Diagnostic, Fix, Related, Reveal, Span
from .version import MODELLED_SPMD_TYPES

FORMATS = ("full", "concise", "json", "github", "sarif")
SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
INFORMATION_URI = "https://github.com/spmd-lsp/spmd-lsp"


@dataclass
class FileReport:
    """One file's findings, ready to print."""

    path: str  # as the user named it (relative to the working folder when it is under it)
    source: str | None  # the text the positions refer to; None when it could not be read
    diagnostics: list[Diagnostic] = field(default_factory=list)
    reveals: list[Reveal] = field(default_factory=list)

    @property
    def lines(self) -> list[str]:
        return policy.split_lines(self.source) if self.source is not None else []


@dataclass
class Summary:
    files: int  # files checked
    errors: int = 0
    warnings: int = 0
    notes: int = 0
    with_findings: int = 0  # files with at least one diagnostic
    fixable: int = 0  # errors whose preferred fix survived verification
    fixed: int = 0  # errors --fix repaired

    @classmethod
    def of(cls, reports: Sequence[FileReport], files: int) -> Summary:
        summary = cls(files)
        for report in reports:
            if report.diagnostics:
                summary.with_findings += 1
            for d in report.diagnostics:
                if d.severity is Severity.ERROR:
                    summary.errors += 1
                    summary.fixable += 1 if d.fixes else 0
                elif d.severity is Severity.WARNING:
                    summary.warnings += 1
                else:
                    summary.notes += 1
        return summary

    def text(self, *, fixing: bool = False) -> str:
        checked = f"checked {plural(self.files, 'file')}"
        counts = [
            plural(n, word)
            for n, word in (
                (self.errors, "error"),
                (self.warnings, "warning"),
                (self.notes, "note"),
            )
            if n
        ]
        if fixing:
            total = self.errors + self.fixed
            head = f"Found {plural(total, 'error')}: {self.fixed} fixed, {self.errors} remaining"
            others = [c for c in counts if "error" not in c]
            if others:
                head += " and " + " and ".join(others)
            return f"{head} ({checked})."
        if not counts:
            return f"No problems found ({checked})."
        listed = ", ".join(counts[:-1]) + " and " + counts[-1] if len(counts) > 1 else counts[0]
        line = f"Found {listed} in {plural(self.with_findings, 'file')} ({checked})."
        if self.fixable:
            line += (
                f"\n{plural(self.fixable, 'error')} can be fixed with --fix "
                f"(--diff shows the changes first)."
            )
        return line


def plural(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


# ---------------------------------------------------------------------------------------
# colour


class Style:
    """ANSI colours when writing to a terminal (``--color``, ``NO_COLOR``, ``FORCE_COLOR``)."""

    def __init__(self, enabled: bool) -> None:
        self.enabled = enabled

    @classmethod
    def for_stream(cls, choice: str, stream: TextIO) -> Style:
        if choice == "always":
            return cls(True)
        if choice == "never":
            return cls(False)
        if os.environ.get("NO_COLOR"):
            return cls(False)
        if os.environ.get("FORCE_COLOR"):
            return cls(True)
        isatty = getattr(stream, "isatty", None)
        return cls(bool(isatty and isatty()) and os.environ.get("TERM") != "dumb")

    def _wrap(self, text: str, code: str) -> str:
        return f"\x1b[{code}m{text}\x1b[0m" if self.enabled and text else text

    def bold(self, text: str) -> str:
        return self._wrap(text, "1")

    def gutter(self, text: str) -> str:
        return self._wrap(text, "1;34")

    def severity(self, severity: Severity | str, text: str) -> str:
        key = severity.value if isinstance(severity, Severity) else severity
        colour = {"error": "1;31", "warning": "1;33", "help": "1;36", "removed": "31"}.get(
            key, "1;32"
        )
        return self._wrap(text, colour)

    def added(self, text: str) -> str:
        return self._wrap(text, "32")


# ---------------------------------------------------------------------------------------
# full


_LABEL = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFORMATION: "note"}
_MAX_FIX_LINES = 12


def _expand(line: str) -> str:
    return line.replace("\t", "    ")


def _display_column(line: str, column: int) -> int:
    return len(_expand(line[:column]))


class _Sources:
    """The text of the files related information points into (read once each)."""

    def __init__(self, reports: Iterable[FileReport]) -> None:
        self._lines: dict[str, list[str] | None] = {}
        for report in reports:
            self._lines[_key(report.path)] = report.lines if report.source is not None else None

    def lines(self, path: str) -> list[str] | None:
        key = _key(path)
        if key not in self._lines:
            try:
                text = Path(path).read_bytes().decode("utf-8")
                self._lines[key] = policy.split_lines(text)
            except (OSError, UnicodeDecodeError):
                self._lines[key] = None
        return self._lines[key]


def _key(path: str) -> str:
    try:
        return str(Path(path).resolve())
    except OSError:
        return path


def display_path(path: str) -> str:
    """A path relative to the working folder when it is under it, else as given."""
    try:
        return str(Path(path).resolve().relative_to(Path.cwd().resolve()))
    except (ValueError, OSError):
        return path


def _snippet(lines: list[str] | None, span: Span, width: int, style: Style) -> list[str]:
    """The span's source lines with carets under it (first and last line of a long span)."""
    bar = style.gutter(" " * width + " |")
    if lines is None or not 0 <= span.line < len(lines):
        return []
    out = [bar]
    shown = [span.line] if span.end_line == span.line else [span.line, span.end_line]
    for k, number in enumerate(shown):
        if number >= len(lines):
            break
        if k == 1 and span.end_line > span.line + 1:
            out.append(style.gutter("." * width + " |") if width else "...")
        text = lines[number]
        start = span.column if number == span.line else len(text) - len(text.lstrip())
        end = span.end_column if number == span.end_line else len(text)
        start_col = _display_column(text, min(start, len(text)))
        end_col = _display_column(text, min(max(end, start), len(text)))
        carets = "^" * max(1, end_col - start_col)
        out.append(f"{style.gutter(f'{number + 1:>{width}} |')} {_expand(text)}".rstrip())
        out.append(f"{bar} {' ' * start_col}{style.severity('error', carets)}")
    out.append(bar)
    return out


def _location(path: str, span: Span, width: int, style: Style) -> str:
    arrow = style.gutter(" " * width + "-->")
    return f"{arrow} {path}:{span.line + 1}:{span.column + 1}"


def _fix_lines(report: FileReport, fix: Fix, width: int, style: Style) -> list[str]:
    """The fix as the changed lines, '-' the old and '+' the new (rustc's suggestion diff)."""
    if report.source is None:
        return []
    try:
        fixed = apply_edits(report.source, fix.edits)
    except ValueError:
        return []
    old, new = report.lines, policy.split_lines(fixed)
    out: list[str] = []
    matcher = difflib.SequenceMatcher(a=old, b=new, autojunk=False)
    for tag, a0, a1, b0, b1 in matcher.get_opcodes():
        if tag == "equal":
            continue
        removed = [(n, "-") for n in range(a0, a1)]
        added = [(n, "+") for n in range(b0, b1)]
        if len(removed) == len(added):  # line for line: each old line above its new one
            pairs = [x for pair in zip(removed, added, strict=True) for x in pair]
        else:
            pairs = removed + added
        for n, sign in pairs:
            number = style.gutter(f"{n + 1:>{width}}")
            if sign == "-":
                out.append(f"{number} {style.severity('removed', '-')} {_expand(old[n])}".rstrip())
            else:
                out.append(f"{number} {style.added('+')} {style.added(_expand(new[n]))}".rstrip())
    if len(out) > _MAX_FIX_LINES:
        out = [*out[:_MAX_FIX_LINES], style.gutter(" " * width + " |") + " ..."]
    bar = style.gutter(" " * width + " |")
    return [bar, *out, bar] if out else []


def _gutter_width(report: FileReport, d: Diagnostic, sources: _Sources) -> int:
    numbers = [d.span.end_line + 1]
    numbers += [r.span.end_line + 1 for r in d.related]
    for fix in d.fixes[:1]:
        numbers += [e.span.end_line + 1 + e.new_text.count("\n") for e in fix.edits]
    return max(len(str(n)) for n in numbers)


def _related_path(report: FileReport, related: Related) -> str:
    return display_path(related.path) if related.path is not None else report.path


def full_diagnostic(report: FileReport, d: Diagnostic, sources: _Sources, style: Style) -> str:
    width = _gutter_width(report, d, sources)
    label = _LABEL.get(d.severity, d.severity.value)
    message = d.message.splitlines() or [""]
    head = f"{style.severity(d.severity, f'{label}[{d.code}]')}{style.bold(': ' + message[0])}"
    out = [head]
    out.extend(f"{' ' * width} = {line}" for line in message[1:])
    out.append(_location(report.path, d.span, width, style))
    out.extend(_snippet(report.lines, d.span, width, style))
    for related in d.related:
        path = _related_path(report, related)
        out.append(f"{style.severity('note', 'note')}: {related.message}")
        out.append(_location(path, related.span, width, style))
        lines = report.lines if related.path is None else sources.lines(related.path or report.path)
        out.extend(_snippet(lines, related.span, width, style))
    if d.fixes:
        preferred = next((f for f in d.fixes if f.preferred), d.fixes[0])
        out.append(f"{style.severity('help', 'help')}: {preferred.title}")
        out.extend(_fix_lines(report, preferred, width, style))
        others = len(d.fixes) - 1
        if others:
            out.append(
                f"{' ' * width} = {plural(others, 'other fix')}: "
                f"{'; '.join(f.title for f in d.fixes if f is not preferred)}"
            )
    code = CODES.get(d.code)
    if code is not None:
        out.append(f"{' ' * width} = docs: {code.doc_url}")
    return "\n".join(out)


def full_reveal(report: FileReport, r: Reveal, style: Style) -> str:
    width = len(str(r.span.end_line + 1))
    types, gradient = r.text, r.gradient_text
    out = [
        f"{style.severity('note', 'note[reveal_type]')}"
        f"{style.bold(f': {r.expression}: {types} (gradient {gradient})')}",
        _location(report.path, r.span, width, style),
        *_snippet(report.lines, r.span, width, style),
    ]
    return "\n".join(out)


def _in_order(report: FileReport) -> list[Diagnostic | Reveal]:
    items: list[Diagnostic | Reveal] = [*report.diagnostics, *report.reveals]
    items.sort(key=lambda item: (item.span.line, item.span.column, isinstance(item, Reveal)))
    return items


def render_full(reports: Sequence[FileReport], style: Style) -> str:
    sources = _Sources(reports)
    blocks: list[str] = []
    for report in reports:
        for item in _in_order(report):
            if isinstance(item, Reveal):
                blocks.append(full_reveal(report, item, style))
            else:
                blocks.append(full_diagnostic(report, item, sources, style))
    return "\n\n".join(blocks)


# ---------------------------------------------------------------------------------------
# concise, github


def concise_line(path: str, d: Diagnostic) -> str:
    first = d.message.splitlines()[0] if d.message else ""
    return f"{path}:{d.span.line + 1}:{d.span.column + 1}: {d.severity.value} {d.code} {first}"


def concise_reveal(path: str, r: Reveal) -> str:
    types, gradient = r.text, r.gradient_text
    return (
        f"{path}:{r.span.line + 1}:{r.span.column + 1}: note reveal_type {r.expression}: "
        f"{types} (gradient {gradient})"
    )


def render_concise(reports: Sequence[FileReport]) -> str:
    lines: list[str] = []
    for report in reports:
        for item in _in_order(report):
            if isinstance(item, Reveal):
                lines.append(concise_reveal(report.path, item))
            else:
                lines.append(concise_line(report.path, item))
    return "\n".join(lines)


def _github_escape(text: str, *, property: bool = False) -> str:
    text = text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
    if property:
        text = text.replace(":", "%3A").replace(",", "%2C")
    return text


def github_line(path: str, d: Diagnostic) -> str:
    level = {"error": "error", "warning": "warning"}.get(d.severity.value, "notice")
    return (
        f"::{level} file={_github_escape(path, property=True)},line={d.span.line + 1},"
        f"col={d.span.column + 1},endLine={d.span.end_line + 1},"
        f"endColumn={d.span.end_column + 1},title={d.code}::{_github_escape(d.message)}"
    )


def render_github(reports: Sequence[FileReport]) -> str:
    return "\n".join(github_line(r.path, d) for r in reports for d in r.diagnostics)


# ---------------------------------------------------------------------------------------
# json


def _position(span: Span) -> dict[str, int]:
    return {
        "line": span.line + 1,
        "column": span.column + 1,
        "end_line": span.end_line + 1,
        "end_column": span.end_column + 1,
    }


def diagnostic_json(path: str, d: Diagnostic, extended: Sequence[bool] = ()) -> dict[str, Any]:
    code = CODES.get(d.code)
    return {
        "path": path,
        **_position(d.span),
        "severity": d.severity.value,
        "code": d.code,
        "message": d.message,
        "url": code.doc_url if code is not None else None,
        "related": [
            {"path": _related_path_json(path, r), **_position(r.span), "message": r.message}
            for r in d.related
        ],
        "fixes": [
            {
                "title": fix.title,
                "preferred": fix.preferred,
                "edits": [
                    {"path": path, **_position(e.span), "new_text": e.new_text} for e in fix.edits
                ],
            }
            for fix in d.fixes
        ],
    }


def _related_path_json(path: str, related: Related) -> str:
    return display_path(related.path) if related.path is not None else path


def reveal_json(path: str, r: Reveal) -> dict[str, Any]:
    return {
        "path": path,
        **_position(r.span),
        "expression": r.expression,
        "types": None if r.types is None else r.types.to_json(),
        "gradient": None if r.gradient is None else r.gradient.to_json(),
        # False: "types" lists the axes whose type is known, "shown" says the rest
        "complete": r.complete,
        "shown": r.text,
    }


def render_json(
    reports: Sequence[FileReport], summary: Summary, fixed: Sequence[dict[str, Any]] = ()
) -> str:
    document: dict[str, Any] = {
        "version": 1,
        "tool": {"name": "spmd-check", "version": __version__, "spmd_types": MODELLED_SPMD_TYPES},
        "diagnostics": [diagnostic_json(r.path, d) for r in reports for d in r.diagnostics],
        "reveals": [reveal_json(r.path, x) for r in reports for x in r.reveals],
        "summary": {
            "files": summary.files,
            "errors": summary.errors,
            "warnings": summary.warnings,
            "notes": summary.notes,
            "fixable": summary.fixable,
        },
    }
    if fixed:
        document["fixed"] = list(fixed)
        document["summary"]["fixed"] = len(fixed)
    return json.dumps(document, indent=2, ensure_ascii=False)


# ---------------------------------------------------------------------------------------
# statistics


def statistics(reports: Sequence[FileReport]) -> list[dict[str, Any]]:
    counts: Counter[str] = Counter()
    fixable: Counter[str] = Counter()
    severities: dict[str, set[str]] = {}
    for report in reports:
        for d in report.diagnostics:
            counts[d.code] += 1
            fixable[d.code] += 1 if d.fixes and d.severity is Severity.ERROR else 0
            severities.setdefault(d.code, set()).add(d.severity.value)
    return [
        {
            "code": code,
            "count": n,
            "fixable": fixable[code],
            "severity": "/".join(sorted(severities[code])),
            "summary": CODES[code].summary if code in CODES else "",
        }
        for code, n in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))
    ]


def render_statistics(rows: Sequence[dict[str, Any]], fmt: str) -> str:
    if fmt == "json":
        return json.dumps(list(rows), indent=2)
    if not rows:
        return ""
    width = max(len(str(r["count"])) for r in rows)
    code_width = max(len(r["code"]) for r in rows)
    return "\n".join(
        f"{r['count']:>{width}}  {r['code']:<{code_width}}  "
        f"{'[*] ' if r['fixable'] else ''}{r['summary']}"
        for r in rows
    )


# ---------------------------------------------------------------------------------------
# sarif


def _sarif_level(severity: Severity) -> str:
    return {Severity.ERROR: "error", Severity.WARNING: "warning"}.get(severity, "note")


def _sarif_uri(path: str) -> tuple[str, str | None]:
    """(uri, uriBaseId): relative to the working folder (%SRCROOT%) when under it."""
    p = Path(path)
    if not p.is_absolute():
        return quote(p.as_posix()), "%SRCROOT%"
    try:
        relative = p.resolve().relative_to(Path.cwd().resolve())
        return quote(relative.as_posix()), "%SRCROOT%"
    except (ValueError, OSError):
        return p.resolve().as_uri(), None


def _artifact(path: str) -> dict[str, str]:
    uri, base = _sarif_uri(path)
    return {"uri": uri, "uriBaseId": base} if base else {"uri": uri}


def _region(span: Span) -> dict[str, int]:
    return {
        "startLine": span.line + 1,
        "startColumn": span.column + 1,
        "endLine": span.end_line + 1,
        "endColumn": span.end_column + 1,
    }


_DEFAULT_LEVEL = {codes.UNREGISTERED_FUNCTION.name: "warning", codes.INTERNAL.name: "note"}


def _sarif_rule(code: Code) -> dict[str, Any]:
    body = explain.explanation(code.name)
    rule: dict[str, Any] = {
        "id": code.name,
        "name": "".join(part.capitalize() for part in code.name.split("-")),
        "shortDescription": {"text": code.summary},
        "fullDescription": {"text": code.summary},
        "helpUri": code.doc_url,
        "defaultConfiguration": {"level": _DEFAULT_LEVEL.get(code.name, "error")},
        "properties": {"tags": ["spmd", "distributed"]},
    }
    if body is not None:
        rule["help"] = {"text": body, "markdown": body}
    return rule


def render_sarif(reports: Sequence[FileReport], problems: Sequence[str] = ()) -> str:
    index = {name: k for k, name in enumerate(CODES)}
    results: list[dict[str, Any]] = []
    for report in reports:
        for d in report.diagnostics:
            result: dict[str, Any] = {
                "ruleId": d.code,
                "level": _sarif_level(d.severity),
                "message": {"text": d.message},
                "locations": [
                    {
                        "physicalLocation": {
                            "artifactLocation": _artifact(report.path),
                            "region": _region(d.span),
                        }
                    }
                ],
            }
            if d.code in index:
                result["ruleIndex"] = index[d.code]
            if d.related:
                result["relatedLocations"] = [
                    {
                        "id": k,
                        "message": {"text": r.message},
                        "physicalLocation": {
                            "artifactLocation": _artifact(_related_path(report, r)),
                            "region": _region(r.span),
                        },
                    }
                    for k, r in enumerate(d.related)
                ]
            if d.fixes:
                result["fixes"] = [
                    {
                        "description": {"text": fix.title},
                        "artifactChanges": [
                            {
                                "artifactLocation": _artifact(report.path),
                                "replacements": [
                                    {
                                        "deletedRegion": _region(e.span),
                                        "insertedContent": {"text": e.new_text},
                                    }
                                    for e in fix.edits
                                ],
                            }
                        ],
                    }
                    for fix in d.fixes
                ]
            results.append(result)
    invocation: dict[str, Any] = {"executionSuccessful": True}
    if problems:
        invocation["toolExecutionNotifications"] = [
            {"level": "warning", "message": {"text": p}} for p in problems
        ]
    document = {
        "$schema": SARIF_SCHEMA,
        "version": "2.1.0",
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": "spmd-check",
                        "version": __version__,
                        "semanticVersion": __version__,
                        "informationUri": INFORMATION_URI,
                        "rules": [_sarif_rule(c) for c in CODES.values()],
                    }
                },
                "originalUriBaseIds": {"%SRCROOT%": {"uri": Path.cwd().resolve().as_uri() + "/"}},
                "invocations": [invocation],
                "columnKind": "unicodeCodePoints",
                "results": results,
            }
        ],
    }
    return json.dumps(document, indent=2, ensure_ascii=False)


def write(text: str, stream: TextIO | None = None) -> None:
    if text:
        print(text, file=stream or sys.stdout)
