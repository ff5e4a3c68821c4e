"""Parse the expectations a case file writes as comments (see tests/cases/README.md).

Shared by the checker's case runner (``tests/test_cases.py``) and the runtime
judge (``tests/test_conformance.py``). Comments are found with ``tokenize``,
so a ``#`` inside a string is never mistaken for one.

Script view (the whole file):

- ``# E: code-a, code-b``  -> ``errors[line]``
- ``# W: code``            -> ``warnings[line]``
- ``# T: {dp: R, tp: P}``  -> ``reveals[line]`` (the text, e.g. "Unknown")
- a code may carry a quoted message fragment, ``# E: spmd-partial-nonlinear "axis tp"``
  -> ``fragments[(line, code)]``
- header ``# runtime: exempt -- reason`` -> ``exempt_reason``
- header ``# config: key = value`` (TOML) -> ``config``

Library view (cases with a ``# --- driver ---`` line; ``library`` is then set):
the lines above the marker, checked as a library module. On those lines the
shared markers above apply, unless the line carries library-view markers,
which replace them for that view:

- ``# LE: code``, ``# LW: code``, ``# LT: {tp: V, ...}`` (``...``: other axes unknown)
- ``# L: -``  nothing expected in the library view on this line
- ``# LX: code -- reason``  a known miss: the ideal library view reports it, the
  checker does not yet (the checker must report nothing there)
- header ``# library-config: key = value`` -> ``library_config``

A comment may hold several markers (``# T: {tp: R}  # W: code``). A comment
that starts like a marker but does not parse raises ValueError naming the
file and line; so does a header line placed after code.
"""

from __future__ import annotations

import ast
import io
import re
import tokenize
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

DRIVER_MARKER = "# --- driver ---"

_MARKER = re.compile(r"^(LE|LW|LT|LX|L|E|W|T)\s*:(.*)$", re.DOTALL)
_HEADER = re.compile(r"^(runtime|config|library-config)\s*:(.*)$", re.DOTALL)
_CODE = re.compile(r"^[a-z][a-z0-9]*(-[a-z0-9]+)*$")
_ITEM = re.compile(r'^(?P<code>\S+?)(?:\s+"(?P<fragment>[^"]+)")?$')
_EXEMPT = re.compile(r"^exempt\s+--\s+(\S.*)$")
_MISS = re.compile(r"^(?P<code>\S+)\s+--\s+(?P<reason>\S.*)$")
_PARTIAL = re.compile(r",\s*\.\.\.\s*\}$")


@dataclass(frozen=True)
class ExpectedType:
    """A ``# T:`` / ``# LT:`` type: ``types`` None for Unknown; ``complete`` False when the
    text ends in ``, ...}`` (known on the listed axes, the others not known to the checker)."""

    text: str
    types: object  # spmd_check.lattice.LocalType | None (kept untyped: no import at parse time)
    complete: bool = True

    @property
    def unknown(self) -> bool:
        return self.types is None


def parse_expected_type(text: str) -> ExpectedType:
    """``{dp: R, tp: P}``, ``{tp: V, ...}`` or ``Unknown``; ValueError when malformed."""
    from spmd_check.lattice import parse_local_type

    text = text.strip()
    complete = not _PARTIAL.search(text)
    body = text if complete else _PARTIAL.sub("}", text)
    if not complete and body.strip() == "{}":
        raise ValueError(f"'{text}' lists no axis: write 'Unknown'")
    return ExpectedType(text, parse_local_type(body), complete)


@dataclass
class View:
    """What the checker should report and reveal in one view of a case."""

    errors: dict[int, list[str]] = field(default_factory=dict)
    warnings: dict[int, list[str]] = field(default_factory=dict)
    reveals: dict[int, str] = field(default_factory=dict)
    fragments: dict[tuple[int, str], str] = field(default_factory=dict)  # (line, code) -> text
    misses: dict[int, tuple[str, str]] = field(default_factory=dict)  # line -> (code, reason)

    @property
    def error_lines(self) -> list[int]:
        return sorted(self.errors)


@dataclass
class CaseExpectations:
    errors: dict[int, list[str]] = field(default_factory=dict)
    warnings: dict[int, list[str]] = field(default_factory=dict)
    reveals: dict[int, str] = field(default_factory=dict)
    fragments: dict[tuple[int, str], str] = field(default_factory=dict)
    exempt_reason: str | None = None
    config: dict[str, object] = field(default_factory=dict)
    library_config: dict[str, object] = field(default_factory=dict)
    driver_line: int | None = None  # the ``# --- driver ---`` line of a library case
    library: View | None = None  # the library view's expectations (library cases only)

    @property
    def error_lines(self) -> list[int]:
        return sorted(self.errors)

    @property
    def script(self) -> View:
        return View(self.errors, self.warnings, self.reveals, self.fragments)

    @property
    def is_library(self) -> bool:
        return self.driver_line is not None


def library_text(source: str, driver_line: int) -> str:
    """The library part of a library case: every line above the driver marker."""
    lines = source.splitlines(keepends=True)
    return "".join(lines[: driver_line - 1])


def _known_codes() -> set[str] | None:
    try:
        from spmd_check.codes import CODES
    except ImportError:  # pragma: no cover - the project is installed in the venv
        return None
    return set(CODES)


def _split_items(text: str) -> list[str]:
    """Split ``a "x, y", b`` at the commas outside double quotes."""
    items, current, quoted = [], "", False
    for ch in text:
        if ch == '"':
            quoted = not quoted
        if ch == "," and not quoted:
            items.append(current)
            current = ""
        else:
            current += ch
    items.append(current)
    return [i.strip() for i in items]


def _parse_codes(
    path: Path, line: int, kind: str, text: str, known: set[str] | None
) -> list[tuple[str, str | None]]:
    """``code[ "fragment"][, code...]`` -> [(code, fragment or None)]."""
    if text.count('"') % 2:
        raise ValueError(f"{path}:{line}: unbalanced quote in '# {kind}: {text.strip()}'")
    items = _split_items(text)
    if not text.strip() or any(not i for i in items):
        raise ValueError(
            f"{path}:{line}: malformed '# {kind}:' expectation: expected 'code[, code...]', found {text.strip()!r}"
        )
    out: list[tuple[str, str | None]] = []
    for item in items:
        m = _ITEM.match(item)
        if not m or not _CODE.match(m.group("code")):
            raise ValueError(
                f"{path}:{line}: malformed diagnostic code {item!r} in '# {kind}:' "
                '(a code, optionally followed by a "message fragment")'
            )
        c = m.group("code")
        if known is not None and c not in known:
            raise ValueError(
                f"{path}:{line}: unknown diagnostic code {c!r} (not in checker/codes.py)"
            )
        out.append((c, m.group("fragment")))
    # a code twice is two diagnostics on the line (each side of ``a if c else b`` raising)
    return out


def _segments(comment: str) -> list[str]:
    """Split one comment token into its '#'-separated parts, stripped."""
    return [s.strip() for s in comment.split("#")[1:]]


def _check_type_text(path: Path, line: int, kind: str, text: str) -> None:
    try:
        parse_expected_type(text)
    except ImportError:  # pragma: no cover
        return
    except ValueError as e:
        raise ValueError(f"{path}:{line}: malformed '# {kind}:' expectation: {e}") from e


def _parse_header(path: Path, line: int, key: str, rest: str, exp: CaseExpectations) -> None:
    if key == "runtime":
        m = _EXEMPT.match(rest)
        if not m:
            raise ValueError(
                f"{path}:{line}: malformed header: expected '# runtime: exempt -- <reason>', found {rest!r}"
            )
        if exp.exempt_reason is not None:
            raise ValueError(f"{path}:{line}: a second '# runtime:' header")
        exp.exempt_reason = m.group(1).strip()
        return
    target = exp.config if key == "config" else exp.library_config
    try:
        parsed = tomllib.loads(rest)
    except tomllib.TOMLDecodeError as e:
        raise ValueError(f"{path}:{line}: malformed '# {key}:' header {rest!r}: {e}") from e
    if not parsed:
        raise ValueError(f"{path}:{line}: empty '# {key}:' header")
    for k in parsed:
        if k in target:
            raise ValueError(f"{path}:{line}: {key} key {k!r} set twice")
    target.update(parsed)


@dataclass
class _Line:
    """The markers found on one line, by kind."""

    shared: dict[str, str] = field(default_factory=dict)  # "E" | "W" | "T" -> text
    library: dict[str, str] = field(default_factory=dict)  # "LE" | "LW" | "LT" | "LX" | "L"


def _fill(view: View, path: Path, line: int, kinds: dict[str, str], known: set[str] | None) -> None:
    """Record one line's markers (E/W/T or their L-forms) in a view."""
    for kind, text in kinds.items():
        base = kind[-1] if kind in ("LE", "LW", "LT") else kind
        if base in ("E", "W"):
            parsed = _parse_codes(path, line, kind, text, known)
            (view.errors if base == "E" else view.warnings)[line] = [c for c, _ in parsed]
            for c, fragment in parsed:
                if fragment is not None:
                    view.fragments[(line, c)] = fragment
        elif base == "T":
            if not text:
                raise ValueError(f"{path}:{line}: empty '# {kind}:' expectation")
            _check_type_text(path, line, kind, text)
            view.reveals[line] = text
        elif kind == "LX":
            m = _MISS.match(text)
            if not m:
                raise ValueError(
                    f"{path}:{line}: malformed '# LX:' known miss: expected 'code -- reason', found {text!r}"
                )
            (c, _), *_ = _parse_codes(path, line, kind, m.group("code"), known)
            view.misses[line] = (c, m.group("reason").strip())
        elif kind == "L" and text != "-":
            raise ValueError(f"{path}:{line}: '# L:' takes only '-', found {text!r}")


def _module_level_calls(tree: ast.Module) -> list[tuple[int, str]]:
    """(line, name) of the init_device_mesh/typecheck calls made by module-level statements."""
    found = []
    for stmt in tree.body:
        if isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            continue
        for node in ast.walk(stmt):
            if isinstance(node, ast.Call):
                f = node.func
                name = (
                    f.id
                    if isinstance(f, ast.Name)
                    else f.attr
                    if isinstance(f, ast.Attribute)
                    else ""
                )
                if name in ("init_device_mesh", "typecheck"):
                    found.append((node.lineno, name))
    return found


def parse_case(path: Path) -> CaseExpectations:
    path = Path(path)
    source = path.read_bytes()
    exp = CaseExpectations()
    known = _known_codes()
    in_header = True
    try:
        tokens = list(tokenize.tokenize(io.BytesIO(source).readline))
    except (tokenize.TokenError, SyntaxError) as e:
        raise ValueError(f"{path}: cannot tokenize: {e}") from e
    lines: dict[int, _Line] = {}
    for tok in tokens:
        if tok.type in (tokenize.ENCODING, tokenize.NL, tokenize.NEWLINE):
            continue
        if tok.type != tokenize.COMMENT:
            if tok.type != tokenize.ENDMARKER:
                in_header = False
            continue
        line = tok.start[0]
        if tok.string.strip() == DRIVER_MARKER:
            if tok.string != DRIVER_MARKER or tok.start[1] != 0:
                raise ValueError(f"{path}:{line}: write the driver marker exactly, at column 0")
            if exp.driver_line is not None:
                raise ValueError(f"{path}:{line}: a second driver marker")
            exp.driver_line = line
            continue
        for seg in _segments(tok.string):
            header = _HEADER.match(seg)
            if header:
                key, rest = header.group(1), header.group(2).strip()
                if not in_header:
                    raise ValueError(
                        f"{path}:{line}: '# {key}:' header after code; headers come first"
                    )
                _parse_header(path, line, key, rest, exp)
                continue
            marker = _MARKER.match(seg)
            if not marker:
                continue  # an ordinary comment
            kind, rest = marker.group(1), marker.group(2).strip()
            slot = lines.setdefault(line, _Line())
            bucket = slot.library if kind.startswith("L") else slot.shared
            if kind in bucket:
                raise ValueError(
                    f"{path}:{line}: two '# {kind}:' markers on one line"
                    + (f"; write '# {kind}: a, b'" if kind in ("E", "W", "LE", "LW") else "")
                )
            bucket[kind] = rest

    script = View()
    library = View() if exp.driver_line is not None else None
    for line, slot in sorted(lines.items()):
        _fill(script, path, line, slot.shared, known)
        if not slot.library:
            if library is not None and line < exp.driver_line:  # type: ignore[operator]
                _fill(library, path, line, slot.shared, known)
            continue
        if exp.driver_line is None:
            raise ValueError(
                f"{path}:{line}: library-view markers ('# L*:') in a case with no '{DRIVER_MARKER}' line"
            )
        if line > exp.driver_line:
            raise ValueError(
                f"{path}:{line}: library-view markers below the driver marker; they belong to library lines"
            )
        if "L" in slot.library and len(slot.library) > 1:
            raise ValueError(f"{path}:{line}: '# L: -' says nothing is expected; it stands alone")
        if "L" in slot.library and not slot.shared:
            raise ValueError(f"{path}:{line}: '# L: -' on a line with no shared expectation")
        _fill(library, path, line, slot.library, known)  # type: ignore[arg-type]
    exp.errors, exp.warnings = script.errors, script.warnings
    exp.reveals, exp.fragments = script.reveals, script.fragments
    exp.library = library

    if exp.library_config and exp.driver_line is None:
        raise ValueError(f"{path}: '# library-config:' header in a case with no driver marker")
    if exp.driver_line is not None:
        text = library_text(source.decode("utf-8"), exp.driver_line)
        try:
            tree = ast.parse(text)
        except SyntaxError as e:
            raise ValueError(f"{path}: the library part does not parse on its own: {e}") from e
        for line, name in _module_level_calls(tree):
            raise ValueError(
                f"{path}:{line}: the library part calls {name}() at module level; "
                "build the mesh and enter typecheck() in the driver"
            )
    return exp
