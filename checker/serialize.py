"""A check's result as plain data (what ``json`` writes), and back.

The on-disk cache stores results in this form and the worker processes of
``spmd-check --jobs N`` send theirs in it: what the command line shows of a
result survives the trip (diagnostics with their related places and fixes,
reveals, collective facts, errors found in other files, the dependencies);
hover facts do not (the command line never shows them). Reading back checks
every field's shape: data of another shape raises ``FormatError``, never
anything else, so a reader can take it for a miss.
"""

from __future__ import annotations

from typing import Any

from .codes import Severity
from .dependencies import Dependencies, FileVersion, PackageOf, Resolution
from .lattice import AxisType, LocalType, parse_axis_type
from .results import (
    AxisTransition,
    CollectiveFact,
    Diagnostic,
    Fix,
    ModuleResult,
    Related,
    Reveal,
    Span,
    TextEdit,
)

Data = dict[str, Any]


class FormatError(ValueError):
    """Data that is not a serialised result (truncated, corrupt, another format)."""


# ---------------------------------------------------------------------------------------
# writing


def dump_result(result: ModuleResult) -> Data:
    """The result as plain data (dicts, lists, strings, numbers, booleans, None)."""
    return {
        "path": result.path,
        "diagnostics": [dump_diagnostic(d) for d in result.diagnostics],
        "reveals": [_dump_reveal(r) for r in result.reveals],
        "collectives": [_dump_collective(c) for c in result.collectives],
        # a list of pairs: the order of the files is kept (the output follows it)
        "elsewhere": [
            [path, [dump_diagnostic(d) for d in found]] for path, found in result.elsewhere.items()
        ],
        "dependencies": (
            None if result.dependencies is None else dump_dependencies(result.dependencies)
        ),
    }


def dump_dependencies(dependencies: Dependencies) -> Data:
    return {
        "files": [[f.path, f.digest] for f in dependencies.files],
        "resolutions": [[r.importer, r.module, r.found] for r in dependencies.resolutions],
        "packages": [[p.path, p.package] for p in dependencies.packages],
    }


def dump_diagnostic(d: Diagnostic) -> Data:
    return {
        "span": _dump_span(d.span),
        "code": d.code,
        "message": d.message,
        "severity": d.severity.value,
        "related": [[_dump_span(r.span), r.message, r.path] for r in d.related],
        "fixes": [
            {
                "title": f.title,
                "edits": [[_dump_span(e.span), e.new_text] for e in f.edits],
                "preferred": f.preferred,
            }
            for f in d.fixes
        ],
    }


def _dump_span(span: Span) -> list[int]:
    return [span.line, span.column, span.end_line, span.end_column]


def _dump_type(t: LocalType | None) -> dict[str, str] | None:
    return None if t is None else t.to_json()


def _dump_reveal(r: Reveal) -> Data:
    return {
        "span": _dump_span(r.span),
        "expression": r.expression,
        "types": _dump_type(r.types),
        "complete": r.complete,
        "shown": r.shown,
    }


def _dump_collective(c: CollectiveFact) -> Data:
    return {
        "span": _dump_span(c.span),
        "function": c.function,
        "transitions": [
            [t.axis, str(t.src), str(t.dst), t.forward, t.backward] for t in c.transitions
        ],
    }


# ---------------------------------------------------------------------------------------
# reading


def load_result(data: object) -> ModuleResult:
    """The result written by ``dump_result``; ``FormatError`` when the data is not one."""
    fields = _dict(data, "result")
    dependencies = fields.get("dependencies")
    return ModuleResult(
        _str(fields.get("path"), "path"),
        diagnostics=[load_diagnostic(d) for d in _list(fields.get("diagnostics"), "diagnostics")],
        reveals=[_load_reveal(r) for r in _list(fields.get("reveals"), "reveals")],
        collectives=[_load_collective(c) for c in _list(fields.get("collectives"), "collectives")],
        elsewhere={
            _str(path, "elsewhere path"): [
                load_diagnostic(d) for d in _list(found, "elsewhere diagnostics")
            ]
            for path, found in (
                _pair(item, "elsewhere") for item in _list(fields.get("elsewhere"), "elsewhere")
            )
        },
        dependencies=None if dependencies is None else load_dependencies(dependencies),
    )


def load_dependencies(data: object) -> Dependencies:
    fields = _dict(data, "dependencies")
    files = []
    for item in _list(fields.get("files"), "files"):
        path, digest = _items(item, 2, "file")
        files.append(FileVersion(_str(path, "file path"), _optional_str(digest, "digest")))
    resolutions = []
    for item in _list(fields.get("resolutions"), "resolutions"):
        importer, module, found = _items(item, 3, "resolution")
        resolutions.append(
            Resolution(
                _str(importer, "importer"), _str(module, "module"), _optional_str(found, "found")
            )
        )
    packages = []
    for item in _list(fields.get("packages"), "packages"):
        path, package = _items(item, 2, "package")
        packages.append(PackageOf(_str(path, "package path"), _optional_str(package, "package")))
    return Dependencies.of(files, resolutions, packages)


def load_diagnostic(data: object) -> Diagnostic:
    fields = _dict(data, "diagnostic")
    try:
        severity = Severity(fields.get("severity"))
    except ValueError:
        raise FormatError(f"severity: expected one of {[s.value for s in Severity]}") from None
    related = []
    for item in _list(fields.get("related"), "related"):
        span, message, path = _items(item, 3, "related")
        related.append(
            Related(_load_span(span), _str(message, "message"), _optional_str(path, "path"))
        )
    fixes = []
    for item in _list(fields.get("fixes"), "fixes"):
        fix = _dict(item, "fix")
        edits = []
        for edit in _list(fix.get("edits"), "edits"):
            span, new_text = _items(edit, 2, "edit")
            edits.append(TextEdit(_load_span(span), _str(new_text, "new_text")))
        fixes.append(
            Fix(_str(fix.get("title"), "title"), tuple(edits), _bool(fix.get("preferred"), "pref"))
        )
    return Diagnostic(
        _load_span(fields.get("span")),
        _str(fields.get("code"), "code"),
        _str(fields.get("message"), "message"),
        severity,
        tuple(related),
        tuple(fixes),
    )


def _load_span(data: object) -> Span:
    values = _items(data, 4, "span")
    if not all(type(v) is int for v in values):
        raise FormatError(f"span: expected four integers, found {data!r}")
    return Span(*values)


def _load_axis_type(data: object, what: str) -> AxisType:
    parsed = parse_axis_type(_str(data, what))
    if parsed is None:
        raise FormatError(f"{what}: expected R, I, V, P or S(i), found {data!r}")
    return parsed


def _load_type(data: object) -> LocalType | None:
    if data is None:
        return None
    fields = _dict(data, "type")
    return LocalType({_str(a, "axis"): _load_axis_type(t, "axis type") for a, t in fields.items()})


def _load_reveal(data: object) -> Reveal:
    fields = _dict(data, "reveal")
    return Reveal(
        _load_span(fields.get("span")),
        _str(fields.get("expression"), "expression"),
        _load_type(fields.get("types")),
        _bool(fields.get("complete"), "complete"),
        _optional_str(fields.get("shown"), "shown"),
    )


def _load_collective(data: object) -> CollectiveFact:
    fields = _dict(data, "collective")
    transitions = []
    for item in _list(fields.get("transitions"), "transitions"):
        axis, src, dst, forward, backward = _items(item, 5, "transition")
        transitions.append(
            AxisTransition(
                _str(axis, "axis"),
                _load_axis_type(src, "src"),
                _load_axis_type(dst, "dst"),
                _str(forward, "forward"),
                _str(backward, "backward"),
            )
        )
    return CollectiveFact(
        _load_span(fields.get("span")), _str(fields.get("function"), "function"), tuple(transitions)
    )


# -- shapes -------------------------------------------------------------------------------


def _dict(data: object, what: str) -> dict[str, Any]:
    if not isinstance(data, dict):
        raise FormatError(f"{what}: expected an object, found {type(data).__name__}")
    return data


def _list(data: object, what: str) -> list[Any]:
    if not isinstance(data, list):
        raise FormatError(f"{what}: expected a list, found {type(data).__name__}")
    return data


def _items(data: object, count: int, what: str) -> list[Any]:
    items = _list(data, what)
    if len(items) != count:
        raise FormatError(f"{what}: expected {count} items, found {len(items)}")
    return items


def _pair(data: object, what: str) -> tuple[Any, Any]:
    first, second = _items(data, 2, what)
    return first, second


def _str(data: object, what: str) -> str:
    if not isinstance(data, str):
        raise FormatError(f"{what}: expected a string, found {type(data).__name__}")
    return data


def _optional_str(data: object, what: str) -> str | None:
    return None if data is None else _str(data, what)


def _bool(data: object, what: str) -> bool:
    if not isinstance(data, bool):
        raise FormatError(f"{what}: expected true or false, found {type(data).__name__}")
    return data
