"""Open documents: their text and version, edits applied, and lines mapped across edits.

pygls' own workspace keeps text too, but splits lines with ``str.splitlines``
(which breaks on form feeds and U+2028, unlike LSP and Python), so the server
keeps its own copy and applies incremental changes here. Every change is
also logged as a line edit, so that an answer computed for an older version
(the last completed analysis) can be moved to the current text, and a
position in the current text back to the analysed one.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from lsprotocol import types
from pygls.uris import from_fs_path, to_fs_path

from .positions import Codec, LineView, split_lines

_LINE_BREAK = re.compile(r"\r\n|\r|\n")
_LOG_LIMIT = 2000
_EVERYTHING = 1 << 60


@dataclass(frozen=True)
class LineEdit:
    """One change: the lines ``start..old_end`` (inclusive) became ``start..new_end``."""

    version: int | None  # the version this change produced
    start: int
    old_end: int
    new_end: int


@dataclass
class Document:
    uri: str
    text: str
    version: int | None = None
    language_id: str = "python"
    path: str | None = None
    _starts: list[int] | None = field(default=None, repr=False)
    _log: list[LineEdit] = field(default_factory=list, repr=False)

    def __post_init__(self) -> None:
        if self.path is None:
            self.path = to_fs_path(self.uri)

    @property
    def lines(self) -> LineView:
        """The current lines (a snapshot: it does not change with later edits)."""
        return LineView(self.text, self._line_starts())

    def _line_starts(self) -> list[int]:
        if self._starts is None:
            self._starts = [0, *(m.end() for m in _LINE_BREAK.finditer(self.text))]
        return self._starts

    def _line_text(self, line: int) -> str:
        """One line without its terminator (without splitting the whole text)."""
        starts = self._line_starts()
        end = starts[line + 1] if line + 1 < len(starts) else len(self.text)
        text = self.text[starts[line] : end]
        if text.endswith("\r\n"):
            return text[:-2]
        return text[:-1] if text.endswith(("\n", "\r")) else text

    def offset(self, codec: Codec, position: types.Position) -> int:
        """An LSP position -> an index into ``text`` (clamped to the document)."""
        starts = self._line_starts()
        if position.line >= len(starts):
            return len(self.text)
        line = max(0, position.line)
        return starts[line] + codec.from_client_column(self._line_text(line), position.character)

    def apply(
        self, codec: Codec, change: types.TextDocumentContentChangeEvent, version: int | None
    ) -> None:
        """Apply one content change (incremental or whole text). The line starts are updated
        around the change only: a keystroke in a large file does not rescan it."""
        rng = getattr(change, "range", None)
        if rng is None:
            self._set_text(change.text)
            self._record(LineEdit(version, 0, _EVERYTHING, _EVERYTHING))
            return
        starts = self._line_starts()
        count = len(starts)
        start = self.offset(codec, rng.start)
        end = max(start, self.offset(codec, rng.end))
        start_line = min(max(rng.start.line, 0), count - 1)
        end_line = min(max(rng.end.line, start_line), count - 1)
        added = len(_LINE_BREAK.findall(change.text))
        whole_lines = (
            rng.start.character == 0
            and rng.end.character == 0
            and rng.end.line > rng.start.line - 1
            and (change.text == "" or change.text.endswith(("\n", "\r")))
        )
        first = bisect.bisect_right(starts, start) - 1  # the lines the offsets are on
        last = bisect.bisect_right(starts, end) - 1
        region_start = starts[first]
        region_end = starts[last + 1] if last + 1 < count else len(self.text)
        old = self.text
        region = old[region_start:start] + change.text + old[end:region_end]
        text = old[:region_start] + region + old[region_end:]
        if (region_start > 0 and old[region_start - 1] == "\r" and region.startswith("\n")) or (
            region.endswith("\r") and old[region_end : region_end + 1] == "\n"
        ):
            self._set_text(text)  # a \r and a \n meet across the change: rescan
        else:
            delta = len(region) - (region_end - region_start)
            inner = [region_start + m.end() for m in _LINE_BREAK.finditer(region)]
            tail = starts[last + 2 :]
            self._set_text(text)
            self._starts = (
                [*starts[: first + 1], *inner, *(s + delta for s in tail)]
                if delta
                else [*starts[: first + 1], *inner, *tail]
            )
        if whole_lines:  # lines replaced by lines: the line at the range's end is untouched
            self._record(LineEdit(version, start_line, end_line - 1, start_line + added - 1))
        else:
            self._record(LineEdit(version, start_line, end_line, start_line + added))

    def _set_text(self, text: str) -> None:
        self.text = text
        self._starts = None

    def _record(self, edit: LineEdit) -> None:
        self._log.append(edit)
        if len(self._log) > _LOG_LIMIT:
            del self._log[: len(self._log) - _LOG_LIMIT]

    def _edits_since(self, version: int | None) -> list[LineEdit] | None:
        """The edits after ``version``; None when the log no longer reaches back that far."""
        if version == self.version:
            return []
        if version is None:
            return None
        edits = [e for e in self._log if e.version is None or e.version > version]
        if len(edits) == len(self._log) and self._log and len(self._log) >= _LOG_LIMIT:
            return None
        return edits

    def line_to_version(self, line: int, version: int | None) -> int | None:
        """A line of the current text -> the same line in ``version`` (None: it was edited)."""
        edits = self._edits_since(version)
        if edits is None:
            return None
        for edit in reversed(edits):
            if line < edit.start:
                continue
            if line > edit.new_end:
                line -= edit.new_end - edit.old_end
                continue
            return None
        return line

    def line_from_version(self, line: int, version: int | None) -> int | None:
        """A line of ``version``'s text -> the same line now (None: it was edited since)."""
        edits = self._edits_since(version)
        if edits is None:
            return None
        for edit in edits:
            if line < edit.start:
                continue
            if line > edit.old_end:
                line += edit.new_end - edit.old_end
                continue
            return None
        return line

    def forget_before(self, version: int | None) -> None:
        """Drop log entries no snapshot needs any more (versions up to ``version``)."""
        if version is None:
            return
        self._log = [e for e in self._log if e.version is None or e.version > version]


class Documents:
    """The open documents, by URI."""

    def __init__(self) -> None:
        self._docs: dict[str, Document] = {}

    def open(self, item: types.TextDocumentItem) -> Document:
        doc = Document(
            uri=item.uri, text=item.text, version=item.version, language_id=item.language_id
        )
        self._docs[item.uri] = doc
        return doc

    def change(self, codec: Codec, params: types.DidChangeTextDocumentParams) -> Document | None:
        doc = self._docs.get(params.text_document.uri)
        if doc is None:
            return None
        version = params.text_document.version
        for change in params.content_changes:
            doc.apply(codec, change, version)
        doc.version = version
        return doc

    def close(self, uri: str) -> Document | None:
        return self._docs.pop(uri, None)

    def get(self, uri: str) -> Document | None:
        return self._docs.get(uri)

    def lines_of_file(self, path: str) -> Sequence[str] | None:
        """A file's lines: the open document's, else those on disk (None: unreadable)."""
        uri = from_fs_path(path)
        doc = self._docs.get(uri) if uri else None
        if doc is not None:
            return doc.lines
        try:
            with open(path, encoding="utf-8", errors="replace", newline="") as handle:
                return split_lines(handle.read())
        except OSError:
            return None

    def __contains__(self, uri: str) -> bool:
        return uri in self._docs

    def __iter__(self):  # type: ignore[no-untyped-def]
        return iter(list(self._docs.values()))
