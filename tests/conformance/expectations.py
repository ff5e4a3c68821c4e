"""Parse the expectations a case file writes as comments (see tests/cases/README.md).

Shared by the checker's case runner (``tests/test_cases.py``) and the runtime
judge (``tests/test_conformance.py``). Comments are found with ``tokenize``,
so a ``#`` inside a string is never mistaken for one.

- ``# E: code-a, code-b``  -> ``errors[line]``
- ``# W: code``            -> ``warnings[line]``
- ``# T: {dp: R, tp: P}``  -> ``reveals[line]`` (the text, e.g. "Unknown")
- header ``# runtime: exempt -- reason`` -> ``exempt_reason``
- header ``# config: key = value`` (TOML) -> ``config``

A comment may hold several markers (``# T: {tp: R}  # W: code``). A comment
that starts like a marker but does not parse raises ValueError naming the
file and line; so does a header line placed after code.
"""

from __future__ import annotations

import io
import re
import tokenize
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

_MARKER = re.compile(r"^(E|W|T)\s*:(.*)$", re.DOTALL)
_HEADER = re.compile(r"^(runtime|config)\s*:(.*)$", re.DOTALL)
_CODE = re.compile(r"^[a-z][a-z0-9]*(-[a-z0-9]+)*$")
_EXEMPT = re.compile(r"^exempt\s+--\s+(\S.*)$")


@dataclass
class CaseExpectations:
    errors: dict[int, list[str]] = field(default_factory=dict)
    warnings: dict[int, list[str]] = field(default_factory=dict)
    reveals: dict[int, str] = field(default_factory=dict)
    exempt_reason: str | None = None
    config: dict[str, object] = field(default_factory=dict)

    @property
    def error_lines(self) -> list[int]:
        return sorted(self.errors)


def _known_codes() -> set[str] | None:
    try:
        from spmd_check.codes import CODES
    except ImportError:  # pragma: no cover - the project is installed in the venv
        return None
    return set(CODES)


def _parse_codes(path: Path, line: int, kind: str, text: str, known: set[str] | None) -> list[str]:
    codes = [c.strip() for c in text.split(",")]
    if not text.strip() or any(not c for c in codes):
        raise ValueError(
            f"{path}:{line}: malformed '# {kind}:' expectation: expected 'code[, code...]', found {text.strip()!r}"
        )
    for c in codes:
        if not _CODE.match(c):
            raise ValueError(f"{path}:{line}: malformed diagnostic code {c!r} in '# {kind}:'")
        if known is not None and c not in known:
            raise ValueError(
                f"{path}:{line}: unknown diagnostic code {c!r} (not in checker/codes.py)"
            )
    if len(set(codes)) != len(codes):
        raise ValueError(f"{path}:{line}: duplicate code in '# {kind}: {text.strip()}'")
    return codes


def _segments(comment: str) -> list[str]:
    """Split one comment token into its '#'-separated parts, stripped."""
    return [s.strip() for s in comment.split("#")[1:]]


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
    for tok in tokens:
        if tok.type in (tokenize.ENCODING, tokenize.NL, tokenize.NEWLINE):
            continue
        if tok.type != tokenize.COMMENT:
            if tok.type != tokenize.ENDMARKER:
                in_header = False
            continue
        line = tok.start[0]
        for seg in _segments(tok.string):
            header = _HEADER.match(seg)
            if header:
                key, rest = header.group(1), header.group(2).strip()
                if not in_header:
                    raise ValueError(
                        f"{path}:{line}: '# {key}:' header after code; headers come first"
                    )
                if key == "runtime":
                    m = _EXEMPT.match(rest)
                    if not m:
                        raise ValueError(
                            f"{path}:{line}: malformed header: expected '# runtime: exempt -- <reason>', found {seg!r}"
                        )
                    if exp.exempt_reason is not None:
                        raise ValueError(f"{path}:{line}: a second '# runtime:' header")
                    exp.exempt_reason = m.group(1).strip()
                else:
                    try:
                        parsed = tomllib.loads(rest)
                    except tomllib.TOMLDecodeError as e:
                        raise ValueError(
                            f"{path}:{line}: malformed '# config:' header {rest!r}: {e}"
                        ) from e
                    if not parsed:
                        raise ValueError(f"{path}:{line}: empty '# config:' header")
                    for k in parsed:
                        if k in exp.config:
                            raise ValueError(f"{path}:{line}: config key {k!r} set twice")
                    exp.config.update(parsed)
                continue
            marker = _MARKER.match(seg)
            if not marker:
                continue  # an ordinary comment
            kind, rest = marker.group(1), marker.group(2).strip()
            if kind in ("E", "W"):
                target = exp.errors if kind == "E" else exp.warnings
                if line in target:
                    raise ValueError(
                        f"{path}:{line}: two '# {kind}:' markers on one line; write '# {kind}: a, b'"
                    )
                target[line] = _parse_codes(path, line, kind, rest, known)
            else:
                if not rest:
                    raise ValueError(f"{path}:{line}: empty '# T:' expectation")
                if line in exp.reveals:
                    raise ValueError(f"{path}:{line}: two '# T:' markers on one line")
                _check_type_text(path, line, rest)
                exp.reveals[line] = rest
    return exp


def _check_type_text(path: Path, line: int, text: str) -> None:
    try:
        from spmd_check.lattice import parse_local_type
    except ImportError:  # pragma: no cover
        return
    try:
        parse_local_type(text)
    except ValueError as e:
        raise ValueError(f"{path}:{line}: malformed '# T:' expectation: {e}") from e
